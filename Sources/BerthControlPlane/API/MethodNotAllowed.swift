import BerthCore
import HTTPTypes

/// A request for a path the OpenAPI document declares, with a method it does not declare there.
///
/// Hummingbird answers such a request 404, as if the path did not exist; `ErrorMiddleware` turns
/// that 404 into this error, answered 405 with an `Allow` header listing the declared methods
/// (RFC 9110 §15.5.6), whatever the method (`QUERY`, `TRACE`…). Paths outside the document (the
/// Azure dialect) keep the 404.
struct MethodNotAllowed: Error {
    var method: HTTPRequest.Method
    var path: String
    /// The declared methods, as the `Allow` header carries them: `GET, POST`.
    var allow: String

    /// The error for `method` on `path`, or nil when the document does not declare `path` or does
    /// declare `method` on it.
    init?(method: HTTPRequest.Method, path: String) {
        guard let declared = OpenAPIDocument.declaredMethods(forRequestPath: path), !declared.contains(method) else {
            return nil
        }
        self.method = method
        self.path = path
        self.allow = declared.map(\.rawValue).sorted().joined(separator: ", ")
    }

    var error: BerthError {
        BerthError(
            .methodNotAllowed,
            "\(method.rawValue) is not an operation of \(path); it allows \(allow). See /openapi.json.")
    }
}

extension BerthError.Code {
    /// The path exists but not with this method (HTTP 405, with `Allow`).
    static let methodNotAllowed = Self("MethodNotAllowed")
}
