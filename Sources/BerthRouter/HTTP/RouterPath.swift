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

    init(uri: String) {
        let path: Substring
        let query: Substring?
        if let mark = uri.firstIndex(of: "?") {
            path = uri[..<mark]
            query = uri[uri.index(after: mark)...]
        } else {
            path = uri[...]
            query = nil
        }
        if path == "/" {
            self = .routerHealth
            return
        }
        if path == "/ready" {
            self = .routerReadiness
            return
        }
        if path.hasPrefix(Self.endpointPrefix) {
            self = Self.endpoint(path, query: query)
            return
        }
        guard path.hasPrefix(Self.prefix) else {
            self = .unknown(path: path)
            return
        }
        let rest = path.dropFirst(Self.prefix.count)
        let parts = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let name = parts.first, !name.isEmpty else {
            self = .unknown(path: path)
            return
        }
        switch parts.count == 2 ? parts[1] : "" {
        case "score": self = .score(service: name, query: query)
        case "swagger.json": self = .swagger(service: name, query: query)
        case "": self = .serviceHealth(service: name)
        default: self = .unknown(path: path)
        }
    }

    private static func endpoint(_ path: Substring, query: Substring?) -> RouterPath {
        let parts = path.dropFirst(endpointPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 2 where !parts[0].isEmpty && parts[1] == "score":
            return .endpointScore(endpoint: parts[0], version: nil, query: query)
        case 3 where !parts[0].isEmpty && !parts[1].isEmpty && parts[2] == "score":
            return .endpointScore(endpoint: parts[0], version: parts[1], query: query)
        default:
            return .unknown(path: path)
        }
    }
}
