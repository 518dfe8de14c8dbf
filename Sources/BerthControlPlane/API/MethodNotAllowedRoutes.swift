import BerthCore
import HTTPTypes
import Hummingbird

/// Answers a method the document does not declare for a path it declares with 405 and an `Allow`
/// header listing the declared ones (RFC 9110 §15.5.6), where Hummingbird would answer 404 as if
/// the path did not exist.
///
/// Added last, once every native route is on the router: each declared path gets a responder for
/// each method nobody serves there. Paths outside the document (the Azure dialect) keep
/// Hummingbird's behaviour.
struct MethodNotAllowedRoutes<Context: RequestContext> {
    /// The methods a request may carry; HEAD is answered by Hummingbird wherever GET is served.
    static var methods: [HTTPRequest.Method] { [.get, .put, .post, .delete, .patch, .options, .trace, .head] }

    func add(to router: Router<Context>) {
        let served = Dictionary(grouping: router.routes, by: { $0.path.description }).mapValues {
            Set($0.map(\.method))
        }
        for (path, declared) in OpenAPIDocument.declaredMethods {
            let taken = served[path] ?? []
            let allow = declared.map(\.rawValue).sorted().joined(separator: ", ")
            for method in Self.methods where !taken.contains(method) && !declared.contains(method) {
                if method == .head, taken.contains(.get) { continue }
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    throw MethodNotAllowed(method: request.method, path: request.uri.path, allow: allow)
                }
            }
        }
    }
}

/// A request whose method the document does not declare for its path; `ErrorMiddleware` turns it
/// into the 405 answer with its `Allow` header.
struct MethodNotAllowed: Error {
    var method: HTTPRequest.Method
    var path: String
    /// The declared methods, comma-separated, as the `Allow` header carries them.
    var allow: String

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
