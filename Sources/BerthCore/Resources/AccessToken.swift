import Foundation

/// The answer of `POST /api/v1/services/<name>/token` (and the endpoint equivalent), shaped as
/// Azure's: `{"accessToken", "tokenType": "Bearer", "refreshAfter", "expiryOn"}` with both times
/// in epoch seconds (compat.md §4, `get_access_token()`), so the SDK's `datetime.fromtimestamp`
/// reads them.
public struct AccessToken: Sendable, Hashable, Codable {
    /// The JWT to send as `Authorization: Bearer <accessToken>`.
    public var accessToken: String
    /// Always `Bearer`.
    public var tokenType: String
    /// When the token stops working.
    public var expiryOn: Date
    /// When a client should fetch a new token (Azure's `refresh_by`).
    public var refreshAfter: Date

    public init(accessToken: String, tokenType: String = "Bearer", expiryOn: Date, refreshAfter: Date) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiryOn = expiryOn
        self.refreshAfter = refreshAfter
    }

    private enum CodingKeys: String, CodingKey { case accessToken, tokenType, expiryOn, refreshAfter }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try container.decode(String.self, forKey: .accessToken)
        tokenType = try container.decode(String.self, forKey: .tokenType)
        expiryOn = Date(timeIntervalSince1970: TimeInterval(try container.decode(Int64.self, forKey: .expiryOn)))
        refreshAfter = Date(timeIntervalSince1970: TimeInterval(try container.decode(Int64.self, forKey: .refreshAfter)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(accessToken, forKey: .accessToken)
        try container.encode(tokenType, forKey: .tokenType)
        try container.encode(Int64(expiryOn.timeIntervalSince1970), forKey: .expiryOn)
        try container.encode(Int64(refreshAfter.timeIntervalSince1970), forKey: .refreshAfter)
    }
}

/// The answer of `POST /api/v1/workspace/rotateSigningKey`: which key now signs, and until when
/// the one it replaced still verifies tokens it already signed.
public struct SigningKeyRotation: Sendable, Hashable, Codable {
    /// The `kid` of the new signing key.
    public var kid: String
    /// The `kid` of the key it replaced.
    public var previousKid: String
    /// When tokens signed by the previous key have all expired and it stops verifying.
    public var previousValidUntil: Date

    public init(kid: String, previousKid: String, previousValidUntil: Date) {
        self.kid = kid
        self.previousKid = previousKid
        self.previousValidUntil = previousValidUntil
    }
}
