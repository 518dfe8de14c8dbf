import BerthCore
import Foundation

/// The tokens Azure ML's Python SDK sends in place of the admin token (`berth sdk env`).
///
/// The SDK sends one bearer token to every service and decodes it (without checking it) to read
/// `exp`, so it cannot carry the opaque admin token. An SDK token is an ordinary Berth JWT, signed
/// with the workspace keys, whose audience no service or endpoint can have (names never hold a
/// colon), so a scoring token never opens the admin API and an SDK token never scores. It lasts
/// hours rather than the service tokens' hour, so a notebook session does not have to refresh it;
/// after a signing-key rotation it works at most `AccessTokenIssuer.lifetime` longer, like every
/// token of the old key.
public enum SDKTokens {
    /// The `aud` claim of every SDK token.
    public static let audience = "berth:sdk"

    /// A token valid for `hours` (checked by the caller against `SDKTokenRequest.allowedHours`) from `now`.
    public static func issue(hours: Int, keys: SigningKeySet, now: Date) throws -> AccessToken {
        try AccessTokenIssuer.issue(audience: audience, keys: keys, now: now, lifetime: .seconds(hours * 3600))
    }

    /// Nil when `token` is an SDK token of this workspace that is valid at `now`; otherwise why not.
    ///
    /// The audience is checked before the time, so an expired service token is refused as a
    /// service token, not as an expired SDK token. The reason never contains the token.
    ///
    /// - Parameter keys: the workspace's verification keys (the current and recently retired ones).
    public static func rejection(of token: some StringProtocol, keys: [TokenVerificationKey], now: Date)
        -> TokenRejection?
    {
        switch TokenVerifier(keys: keys).check(token) {
        case .failure(let rejection):
            return rejection
        case .success(let verified):
            guard verified.audience == audience else { return .notAnSDKToken }
            return verified.rejection(audience: audience, now: now)
        }
    }
}

extension TokenRejection {
    /// A valid token of the workspace with another audience: a service's or endpoint's.
    static let notAnSDKToken = Self(
        code: "token_wrong_audience",
        message: "The token is a service or endpoint token, not an SDK token; it does not open the admin API.")
}
