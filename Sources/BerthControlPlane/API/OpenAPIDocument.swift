import Foundation
import HTTPTypes

/// The control-plane API's contract: `openapi/berth.json`, served at `/openapi.json`.
///
/// The document is the one description of the native `/api/v1` API: the routes answer what it
/// says (`scripts/api/schemathesis.sh` holds the running server to it) and `OpenAPIDocumentTests`
/// checks that every route it lists is served and every native route is listed. Its text is
/// compiled in (`OpenAPIDocument+Embedded.swift`, written by `scripts/api/embed-document.sh`).
enum OpenAPIDocument {
    /// The HTTP methods a path of the document declares, by Hummingbird path (`{name}` → `:name`).
    ///
    /// A request for a declared path with a method not among these gets 405 with an `Allow` header
    /// (`MethodNotAllowed`).
    static let declaredMethods: [String: Set<HTTPRequest.Method>] = {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let paths = object["paths"] as? [String: Any]
        else { preconditionFailure("openapi/berth.json has no 'paths' object") }
        var declared: [String: Set<HTTPRequest.Method>] = [:]
        for (path, item) in paths {
            let operations = (item as? [String: Any] ?? [:]).keys.compactMap { key -> HTTPRequest.Method? in
                guard httpMethods.contains(key) else { return nil }
                return HTTPRequest.Method(key.uppercased())
            }
            declared[routerPath(path)] = Set(operations)
        }
        return declared
    }()

    /// The methods declared for the document path a request path falls under, or nil when it falls
    /// under none. Where several match, the one with literal segments first wins, as in Hummingbird's
    /// router: `/api/v1/computes/attach` is not `/api/v1/computes/{name}`.
    static func declaredMethods(forRequestPath path: String) -> Set<HTTPRequest.Method>? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: [Bool], methods: Set<HTTPRequest.Method>)?
        for (template, methods) in declaredMethods {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            var literals: [Bool] = []
            var matches = true
            for (part, segment) in zip(parts, segments) {
                if part.hasPrefix(":") {
                    if segment.isEmpty { matches = false }
                    literals.append(false)
                } else {
                    if part != segment { matches = false }
                    literals.append(true)
                }
                if !matches { break }
            }
            guard matches else { continue }
            if let current = best, !literals.lexicographicallyPrecedes(current.literals, by: { $0 && !$1 }) {
                continue
            }
            best = (literals, methods)
        }
        return best?.methods
    }

    /// The keys of a path item that name operations (OpenAPI 3.0).
    private static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// `/api/v1/services/{name}` as Hummingbird writes it: `/api/v1/services/:name`.
    static func routerPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? ":" + segment.dropFirst().dropLast() : segment
        }.joined(separator: "/")
    }
}
