import HTTPTypes
import Hummingbird

extension HTTPFields {
    /// The token of an `Authorization: Bearer <token>` header; nil without one. The one reader of
    /// the header for the admin check, the route feed, load reports and SDK tokens.
    var bearerToken: String? {
        guard let header = self[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }
}

extension Request {
    /// The token of an `Authorization: Bearer <token>` header; nil without one.
    var bearerToken: String? { headers.bearerToken }
}
