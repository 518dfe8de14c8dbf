import BerthCore
import Crypto
import Foundation

/// Mints the access tokens of `POST /api/v1/services/<name>/token`: compact JWTs signed ES256 with
/// the workspace's current key, scoped by `aud` to one service or endpoint.
///
/// Lifetimes follow compat.md's decision: valid 1 hour, to be refreshed after 30 minutes, so a
/// client that refreshes on time never presents an expired token.
public enum AccessTokenIssuer {
    /// How long a token is valid. Also how long a rotated-out key stays verifiable.
    public static let lifetime: Duration = .seconds(3600)
    /// When, after issue, a client should fetch a new token (`refreshAfter`, Azure's `refresh_by`).
    public static let refreshAfter: Duration = .seconds(1800)
    /// The `iss` claim of every Berth token.
    public static let issuer = "berth"

    /// Issues a token for `audience` (a service or endpoint name) at `now`.
    public static func issue(audience: String, keys: SigningKeySet, now: Date) throws -> AccessToken {
        let issuedAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let expiresOn = issuedAt.addingTimeInterval(lifetime.timeInterval)
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
            refreshAfter: issuedAt.addingTimeInterval(refreshAfter.timeInterval))
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
