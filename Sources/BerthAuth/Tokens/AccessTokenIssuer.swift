// Why Berth signs and verifies its ES256 tokens itself (with swift-crypto) instead of with
// vapor/jwt-kit 5.8.0, measured on Linux with Swift 6.3:
// - jwt-kit 5.8.0 needs swift-crypto 4.1.0..<6.0.0, and Berth is on swift-crypto 3.12.3..<4.0.0:
//   adopting it is a major upgrade of swift-crypto for every module that uses it (BerthAuth,
//   BerthStore, BerthClient, BerthTLS, BerthKubernetes), not a change to this module alone.
// - Its verification goes through `JWTKeyCollection`, an actor whose `verify` is `async`; the
//   router checks tokens synchronously on its event loop (`TokenKeyring`, cached per route-table
//   generation), and an actor hop per request is what the router's hot path must not have.
// - The format would drift: its header is encoded without sorted keys, and its rejections are
//   `JWTError`s that would have to be mapped back onto `TokenRejection` (the router's 401 texts).
// - Build cost is not the obstacle: its `JWTKit` module compiles in about 9 s and its
//   `ExtrasBase64` dependency in about 4 s of a clean debug build (its other dependencies,
//   swift-crypto, swift-certificates and swift-log, are built for Berth already).
// The token format it would have to keep: header `{"alg":"ES256","kid":…,"typ":"JWT"}` with sorted
// keys, claims `iss`/`aud`/`iat`/`exp`, `kid` naming the key of `SigningKeySet` (rotation), and
// the `AccessToken` body (Azure's `get_token` shape with `refreshAfter`, Azure's `refresh_by`).

import BerthCore
import Crypto
import Foundation

/// Mints Berth's compact JWTs, signed ES256 with the workspace's current key and scoped by `aud`:
/// the access tokens of `POST /api/v1/services/<name>/token` (one service or endpoint) and the
/// SDK tokens of `POST /api/v1/sdk/token` (`SDKTokens`).
///
/// Service tokens follow compat.md's decision: valid 1 hour, to be refreshed after 30 minutes, so a
/// client that refreshes on time never presents an expired token. Other tokens pass their own
/// lifetime and are likewise due for refresh halfway through it.
public enum AccessTokenIssuer {
    /// How long a service token is valid. Also how long a rotated-out key stays verifiable.
    public static let lifetime: Duration = .seconds(3600)
    /// When, after issue, a client should fetch a new service token (`refreshAfter`, Azure's
    /// `refresh_by`): half the lifetime.
    public static let refreshAfter: Duration = lifetime / 2
    /// The `iss` claim of every Berth token.
    public static let issuer = "berth"

    /// Issues a token for `audience` at `now`, valid for `lifetime` (whole seconds, from `now`
    /// rounded down to the second) and due for refresh after half of it.
    ///
    /// - Parameters:
    ///   - audience: a service or endpoint name, or `SDKTokens.audience`.
    ///   - lifetime: how long the token is valid; more than zero. Default: `lifetime` (1 hour).
    public static func issue(
        audience: String, keys: SigningKeySet, now: Date, lifetime: Duration = Self.lifetime
    ) throws -> AccessToken {
        precondition(lifetime > .zero, "A token's lifetime must be positive.")
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expiresOn = issuedAt.addingTimeInterval(lifetime.timeInterval.rounded(.down))
        let header = TokenHeader(alg: "ES256", typ: "JWT", kid: keys.current.kid)
        let claims = TokenClaims(
            iss: issuer, aud: audience, iat: Int64(issuedAt.timeIntervalSince1970),
            exp: Int64(expiresOn.timeIntervalSince1970))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let signingInput =
            Base64URL.encode(try encoder.encode(header)) + "." + Base64URL.encode(try encoder.encode(claims))
        let signature = try keys.signingKey().signature(for: Data(signingInput.utf8))
        return AccessToken(
            accessToken: signingInput + "." + Base64URL.encode(signature.rawRepresentation),
            tokenType: "Bearer",
            expiryOn: expiresOn,
            refreshAfter: issuedAt.addingTimeInterval((lifetime / 2).timeInterval.rounded(.down)))
    }
}

/// A JWT's protected header, as Berth writes and reads it.
struct TokenHeader: Codable {
    var alg: String
    var typ: String?
    var kid: String?
}

/// The claims Berth puts in a token and checks.
struct TokenClaims: Codable {
    var iss: String?
    var aud: String
    var iat: Int64?
    var exp: Int64

    init(iss: String?, aud: String, iat: Int64?, exp: Int64) {
        self.iss = iss
        self.aud = aud
        self.iat = iat
        self.exp = exp
    }

    private enum CodingKeys: String, CodingKey { case iss, aud, iat, exp }

    /// `aud` may be a string or (RFC 7519 §4.1.3) an array of one.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decodeIfPresent(String.self, forKey: .iss)
        if let single = try? container.decode(String.self, forKey: .aud) {
            aud = single
        } else {
            let list = try container.decode([String].self, forKey: .aud)
            guard list.count == 1 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .aud, in: container, debugDescription: "A Berth token has one audience.")
            }
            aud = list[0]
        }
        iat = try container.decodeIfPresent(Int64.self, forKey: .iat)
        exp = try container.decode(Int64.self, forKey: .exp)
    }
}
