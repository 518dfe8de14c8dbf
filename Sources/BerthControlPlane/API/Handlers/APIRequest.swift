import HTTPTypes

/// The request an operation handler runs for, for the few handlers that read a header the document
/// leaves to its security scheme (`Authorization`: the route feed's and load reports' own tokens,
/// SDK token minting). Set by `APIRequestMiddleware` around each generated operation, so it is
/// bound for the handler's task and nothing else.
enum APIRequest {
    @TaskLocal static var current: HTTPRequest?
    /// Whether the current request carries the admin token itself (not an SDK or feed token).
    @TaskLocal static var presentsAdminToken = false

    /// The token of the current request's `Authorization: Bearer <token>`; nil without one.
    static var bearerToken: String? { current?.headerFields.bearerToken }

    /// The current request's `Authorization` header as sent.
    static var authorization: String? { current?.headerFields[.authorization] }
}
