import BerthCore
import Crypto
import Foundation

/// The workspace's token signing keys: one current ES256 (P-256) private key that signs new
/// tokens, and the public halves of earlier keys, kept until the last token they signed expires.
///
/// Only public keys leave the control plane (`verificationKeys(now:)`), so a router on another
/// machine can check tokens without holding anything that could mint one. Rotation is the answer
/// to a leaked key: new tokens use the new key at once, while tokens already handed out keep
/// working until their own expiry (at most `AccessTokenIssuer.lifetime`).
///
/// Stored as JSON in a 0600 file (`SigningKeyFile`); this type itself does no I/O and reads no
/// clock, so rotation and expiry are tested with plain dates.
public struct SigningKeySet: Sendable, Codable, Equatable {
    /// The key that signs new tokens.
    public struct Current: Sendable, Codable, Equatable {
        /// The key id, the JWT header's `kid`.
        public var kid: String
        /// The private key's raw representation, base64url.
        var privateKey: String
        public var createdAt: Date
    }

    /// The public half of a key that signs no more, verifiable until `validUntil`.
    public struct Retired: Sendable, Codable, Equatable {
        public var kid: String
        /// The public key's x9.63 representation, base64url.
        public var publicKey: String
        /// When the last token this key signed expires; after it the key is dropped.
        public var validUntil: Date
    }

    public private(set) var current: Current
    public private(set) var retired: [Retired]

    /// A set with one new random key.
    public static func generate(now: Date) -> SigningKeySet {
        SigningKeySet(current: Self.newKey(now: now), retired: [])
    }

    /// Makes a new current key; the old one stays verifiable for `tokenLifetime` (the longest any
    /// token it signed can still live). Keys whose tokens have all expired are dropped.
    ///
    /// - Returns: the retired key.
    @discardableResult
    public mutating func rotate(now: Date, tokenLifetime: Duration = AccessTokenIssuer.lifetime) throws -> Retired {
        let old = Retired(
            kid: current.kid, publicKey: Base64URL.encode(try signingKey().publicKey.x963Representation),
            validUntil: now.addingTimeInterval(tokenLifetime.timeInterval))
        retired = retired.filter { $0.validUntil > now } + [old]
        current = Self.newKey(now: now)
        return old
    }

    /// The public keys a router needs to check tokens at `now`: the current one and every retired
    /// one still within its validity.
    public func verificationKeys(now: Date) throws -> [TokenVerificationKey] {
        let currentKey = TokenVerificationKey(
            kid: current.kid, publicKey: Base64URL.encode(try signingKey().publicKey.x963Representation))
        return [currentKey]
            + retired.filter { $0.validUntil > now }.map { TokenVerificationKey(kid: $0.kid, publicKey: $0.publicKey) }
    }

    /// The current private key.
    func signingKey() throws -> P256.Signing.PrivateKey {
        guard let raw = Base64URL.decode(current.privateKey) else {
            throw BerthError(.internalError, "The workspace signing key file is damaged; run 'berth workspace rotate-signing-key'.")
        }
        return try P256.Signing.PrivateKey(rawRepresentation: raw)
    }

    private static func newKey(now: Date) -> Current {
        let key = P256.Signing.PrivateKey()
        // The kid says when the key was made and is unique per key; it reveals nothing about it.
        let kid = "k" + String(Int(now.timeIntervalSince1970)) + "-" + SecretFile.randomToken(byteCount: 6)
        return Current(kid: kid, privateKey: Base64URL.encode(key.rawRepresentation), createdAt: now)
    }
}

extension Duration {
    /// The duration in seconds, as `TimeInterval`.
    var timeInterval: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
