/// What a request target asks the router for: `/api/v1/service/<name>/score` and friends.
enum RouterPath: Equatable {
    /// `/api/v1/service/<name>/score`, forwarded to a replica's `/score` with `query`.
    case score(service: Substring, query: Substring?)
    /// `/api/v1/service/<name>/swagger.json`, forwarded to a replica's `/swagger.json`.
    case swagger(service: Substring, query: Substring?)
    /// `/api/v1/service/<name>` or `…/<name>/`: Azure's service health check, answered by the router.
    case serviceHealth(service: Substring)
    /// `/api/v1/endpoint/<name>/score` (split by weight) or `/api/v1/endpoint/<name>/<version>/score`
    /// (one version directly), forwarded to a replica's `/score` with `query`.
    case endpointScore(endpoint: Substring, version: Substring?, query: Substring?)
    /// `/`: the router's own liveness.
    case routerHealth
    /// `/ready`: whether the router has a route table to serve (its readiness).
    case routerReadiness
    /// Anything else.
    case unknown(path: Substring)

    private static let prefix = "/api/v1/service/"
    private static let endpointPrefix = "/api/v1/endpoint/"

    /// Parses `uri` byte by byte (UTF-8, no `Character` comparisons: this runs for every request).
    init(uri: String) {
        let path: Substring
        let query: Substring?
        if let mark = uri.utf8.firstIndex(of: UInt8(ascii: "?")) {
            path = uri[..<mark]
            query = uri[uri.utf8.index(after: mark)...]
        } else {
            path = uri[...]
            query = nil
        }
        if Self.equals(path, "/") {
            self = .routerHealth
        } else if Self.equals(path, "/ready") {
            self = .routerReadiness
        } else if path.utf8.starts(with: Self.endpointPrefix.utf8) {
            self = Self.endpoint(path, query: query)
        } else if path.utf8.starts(with: Self.prefix.utf8) {
            self = Self.service(path, query: query)
        } else {
            self = .unknown(path: path)
        }
    }

    private static func service(_ path: Substring, query: Substring?) -> RouterPath {
        let parts = segments(of: path.utf8.dropFirst(prefix.utf8.count), maxSplits: 1)
        guard let name = parts.first, !name.isEmpty else { return .unknown(path: path) }
        let action = parts.count == 2 ? parts[1] : ""
        if equals(action, "score") { return .score(service: name, query: query) }
        if equals(action, "swagger.json") { return .swagger(service: name, query: query) }
        if action.isEmpty { return .serviceHealth(service: name) }
        return .unknown(path: path)
    }

    private static func endpoint(_ path: Substring, query: Substring?) -> RouterPath {
        let parts = segments(of: path.utf8.dropFirst(endpointPrefix.utf8.count), maxSplits: .max)
        switch parts.count {
        case 2 where !parts[0].isEmpty && equals(parts[1], "score"):
            return .endpointScore(endpoint: parts[0], version: nil, query: query)
        case 3 where !parts[0].isEmpty && !parts[1].isEmpty && equals(parts[2], "score"):
            return .endpointScore(endpoint: parts[0], version: parts[1], query: query)
        default:
            return .unknown(path: path)
        }
    }

    /// `rest` split at `/`, empty segments kept.
    private static func segments(of rest: Substring.UTF8View, maxSplits: Int) -> [Substring] {
        rest.split(separator: UInt8(ascii: "/"), maxSplits: maxSplits, omittingEmptySubsequences: false)
            .map { Substring($0) }
    }

    private static func equals(_ text: Substring, _ literal: StaticString) -> Bool {
        text.utf8.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }
}
