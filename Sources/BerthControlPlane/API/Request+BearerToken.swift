import Hummingbird

extension Request {
    /// The token of an `Authorization: Bearer <token>` header; nil without one. The one reader of
    /// the header for the admin check, the route feed and load reports.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        return String(header.dropFirst(7))
    }
}
