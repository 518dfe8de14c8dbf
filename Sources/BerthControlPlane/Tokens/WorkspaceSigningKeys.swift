import BerthAuth
import BerthCore
import Foundation

/// The workspace's token signing keys, loaded from (or first made in) `signing-keys.json` (0600),
/// and what the control plane does with them: issue a token, check an SDK token, rotate the key,
/// and hand the public keys to the route table.
///
/// An actor: calls are rare (a token request, an admin call with an SDK token, a rotation, a
/// route-table rebuild) and rotation must not interleave with issuing.
actor WorkspaceSigningKeys {
    private let file: SigningKeyFile
    private let now: @Sendable () -> Date
    private var keys: SigningKeySet

    /// - Parameter now: the wall clock; tests pass their own.
    init(file: SigningKeyFile, now: @escaping @Sendable () -> Date = { Date() }) throws {
        self.file = file
        self.now = now
        keys = try file.loadOrCreate(now: now())
    }

    /// A token for `audience` (a service or endpoint name), signed with the current key.
    func issue(audience: String) throws -> AccessToken {
        try AccessTokenIssuer.issue(audience: audience, keys: keys, now: now())
    }

    /// An SDK token valid for `hours` (already checked against `SDKTokenRequest.allowedHours`).
    func issueSDKToken(hours: Int) throws -> AccessToken {
        try SDKTokens.issue(hours: hours, keys: keys, now: now())
    }

    /// Nil when `token` is a valid, unexpired SDK token signed by the current or a recently retired key.
    func sdkTokenRejection(_ token: String) throws -> TokenRejection? {
        let now = now()
        return SDKTokens.rejection(of: token, keys: try keys.verificationKeys(now: now), now: now)
    }

    /// Makes a new signing key and saves it before answering; the previous key keeps verifying
    /// the tokens it signed until they expire.
    func rotate() throws -> SigningKeyRotation {
        var next = keys
        let retired = try next.rotate(now: now())
        try file.save(next)
        keys = next
        return SigningKeyRotation(
            kid: keys.current.kid, previousKid: retired.kid, previousValidUntil: retired.validUntil)
    }

    /// The public keys routers verify tokens with, now.
    func verificationKeys() throws -> [TokenVerificationKey] {
        try keys.verificationKeys(now: now())
    }
}
