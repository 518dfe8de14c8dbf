import BerthCore
import Crypto
import Foundation

/// Checks an access token's signature, audience and expiry against public keys only — what a
/// router does per request with the keys of its route table, without calling the control plane.
///
/// Build one per route-table generation (parsing the keys once), then call `verify` per request.
public struct TokenVerifier: Sendable {
    /// How far a token's `iat` may lie in the future (clock skew between machines).
    public static let allowedSkew: TimeInterval = 60

    private let keys: [String: PublicKey]

    /// - Parameter keys: the route table's verification keys; a key that does not parse is left
    ///   out (its tokens are then refused as signed by an unknown key).
    public init(keys: [TokenVerificationKey]) {
        var parsed: [String: PublicKey] = [:]
        for key in keys {
            guard let raw = Base64URL.decode(key.publicKey),
                let publicKey = try? P256.Signing.PublicKey(x963Representation: raw)
            else { continue }
            parsed[key.kid] = PublicKey(key: publicKey)
        }
        self.keys = parsed
    }

    /// Whether it knows the key `kid`.
    public func hasKey(_ kid: String) -> Bool { keys[kid] != nil }

    /// Nil when `token` is valid for `audience` at `now`; otherwise why not. The reason never
    /// contains the token.
    public func verify(_ token: some StringProtocol, audience: String, now: Date) -> TokenRejection? {
        switch check(token) {
        case .failure(let rejection): rejection
        case .success(let verified): verified.rejection(audience: audience, now: now)
        }
    }

    /// The claims of `token` once its format and signature are checked — the expensive part, which
    /// a caller may cache — but before audience and time, which `VerifiedToken.rejection` checks.
    public func check(_ token: some StringProtocol) -> Result<VerifiedToken, TokenRejection> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]), let signatureData = Base64URL.decode(parts[2]),
            let header = try? JSONDecoder().decode(TokenHeader.self, from: headerData)
        else { return .failure(.malformed) }
        guard header.alg == "ES256" else { return .failure(.unsupportedAlgorithm) }
        guard let kid = header.kid, let key = keys[kid]?.key else { return .failure(.unknownKey) }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
            key.isValidSignature(signature, for: Data(token[..<token.index(before: parts[2].startIndex)].utf8))
        else { return .failure(.badSignature) }
        guard let claims = try? JSONDecoder().decode(TokenClaims.self, from: payloadData) else {
            return .failure(.malformed)
        }
        return .success(VerifiedToken(audience: claims.aud, expiry: claims.exp, issuedAt: claims.iat))
    }
}

/// A token whose signature checked out: what is left to check per use is its audience and time.
public struct VerifiedToken: Sendable, Hashable {
    /// The `aud` claim.
    public var audience: String
    /// The `exp` claim, epoch seconds.
    public var expiry: Int64
    /// The `iat` claim, epoch seconds.
    public var issuedAt: Int64?

    /// Nil when the token may be used for `audience` at `now`.
    public func rejection(audience expected: String, now: Date) -> TokenRejection? {
        let seconds = now.timeIntervalSince1970
        guard seconds < TimeInterval(expiry) else { return .expired }
        if let issuedAt, TimeInterval(issuedAt) > seconds + TokenVerifier.allowedSkew { return .notYetValid }
        guard audience == expected else { return .wrongAudience(expected) }
        return nil
    }
}

/// A parsed public key, shared by the request handlers of a router.
///
/// SAFETY: swift-crypto's `P256.Signing.PublicKey` is an immutable value (it does not declare
/// `Sendable`); after `init` it is only read, by signature verification, which BoringSSL allows
/// from many threads at once on the same key.
private struct PublicKey: @unchecked Sendable {
    let key: P256.Signing.PublicKey
}

/// Why a token was refused: a stable `code` (safe as a metric label) and a message for people.
public struct TokenRejection: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static let malformed = Self(code: "token_malformed", message: "The bearer token is not a well-formed JWT.")
    static let unsupportedAlgorithm = Self(
        code: "token_unsupported_algorithm",
        message: "The token is not signed with ES256, the only algorithm Berth accepts.")
    static let unknownKey = Self(
        code: "token_unknown_key",
        message: "The token was signed by a key this workspace does not know (or no longer trusts). Get a new token.")
    static let badSignature = Self(
        code: "token_bad_signature", message: "The token's signature does not match its content. Get a new token.")
    /// The token's `exp` has passed.
    public static let expired = Self(
        code: "token_expired",
        message: "The token has expired. Get a new one (tokens must be refreshed after refreshAfter).")
    static let notYetValid = Self(
        code: "token_not_yet_valid",
        message: "The token was issued in the future; check the clocks of client and server.")
    static func wrongAudience(_ audience: String) -> Self {
        Self(code: "token_wrong_audience", message: "The token was issued for another service, not for '\(audience)'.")
    }
}
