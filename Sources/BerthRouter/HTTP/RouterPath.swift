/// What a request target asks the router for: `/api/v1/service/<name>/score` and friends.
enum RouterPath: Equatable {
    /// `/api/v1/service/<name>/score`, forwarded to a replica's `/score` with `query`.
    case score(service: String, query: String?)
    /// `/api/v1/service/<name>/swagger.json`, forwarded to a replica's `/swagger.json`.
    case swagger(service: String, query: String?)
    /// `/api/v1/service/<name>` or `…/<name>/`: Azure's service health check, answered by the router.
    case serviceHealth(service: String)
    /// `/api/v1/endpoint/<name>/score` (split by weight) or `/api/v1/endpoint/<name>/<version>/score`
    /// (one version directly), forwarded to a replica's `/score` with `query`.
    case endpointScore(endpoint: String, version: String?, query: String?)
    /// `/`: the router's own liveness.
    case routerHealth
    /// `/ready`: whether the router has a route table to serve (its readiness).
    case routerReadiness
    /// `/metrics`: the router's Prometheus metrics.
    case routerMetrics
    /// Anything else.
    case unknown(path: String)

    private typealias Bytes = UnsafeRawBufferPointer

    init(uri: String) {
        var uri = uri
        self = uri.withUTF8 { RouterPath(target: Bytes($0)) }
    }

    /// Parses a request target from the bytes read (`RequestHead`), without `String` operations:
    /// this runs for every request. Only the names it returns become strings.
    init(target: UnsafeRawBufferPointer) {
        let mark = target.firstIndex(of: UInt8(ascii: "?"))
        let path = Bytes(rebasing: target[..<(mark ?? target.count)])
        let query = mark.map { String(decoding: target[($0 + 1)...], as: UTF8.self) }
        if Self.equals(path, "/") {
            self = .routerHealth
        } else if Self.equals(path, "/ready") {
            self = .routerReadiness
        } else if Self.equals(path, "/metrics") {
            self = .routerMetrics
        } else if let rest = Self.rest(of: path, after: "/api/v1/endpoint/") {
            self = Self.endpoint(rest, query: query) ?? .unknown(path: String(decoding: path, as: UTF8.self))
        } else if let rest = Self.rest(of: path, after: "/api/v1/service/") {
            self = Self.service(rest, query: query) ?? .unknown(path: String(decoding: path, as: UTF8.self))
        } else {
            self = .unknown(path: String(decoding: path, as: UTF8.self))
        }
    }

    /// `<name>`, `<name>/`, `<name>/score` or `<name>/swagger.json`.
    private static func service(_ rest: Bytes, query: String?) -> RouterPath? {
        let slash = rest.firstIndex(of: UInt8(ascii: "/"))
        let name = Bytes(rebasing: rest[..<(slash ?? rest.count)])
        guard !name.isEmpty else { return nil }
        let action = slash.map { Bytes(rebasing: rest[($0 + 1)...]) } ?? Bytes(start: nil, count: 0)
        if equals(action, "score") { return .score(service: string(name), query: query) }
        if equals(action, "swagger.json") { return .swagger(service: string(name), query: query) }
        if action.isEmpty { return .serviceHealth(service: string(name)) }
        return nil
    }

    /// `<endpoint>/score` or `<endpoint>/<version>/score`.
    private static func endpoint(_ rest: Bytes, query: String?) -> RouterPath? {
        guard let first = rest.firstIndex(of: UInt8(ascii: "/")), first > 0 else { return nil }
        let name = Bytes(rebasing: rest[..<first])
        let afterName = Bytes(rebasing: rest[(first + 1)...])
        guard let second = afterName.firstIndex(of: UInt8(ascii: "/")) else {
            return equals(afterName, "score") ? .endpointScore(endpoint: string(name), version: nil, query: query) : nil
        }
        let version = Bytes(rebasing: afterName[..<second])
        guard !version.isEmpty, equals(Bytes(rebasing: afterName[(second + 1)...]), "score") else { return nil }
        return .endpointScore(endpoint: string(name), version: string(version), query: query)
    }

    private static func rest(of path: Bytes, after prefix: StaticString) -> Bytes? {
        let count = prefix.utf8CodeUnitCount
        guard path.count >= count, equals(Bytes(rebasing: path[..<count]), prefix) else { return nil }
        return Bytes(rebasing: path[count...])
    }

    private static func equals(_ bytes: Bytes, _ literal: StaticString) -> Bool {
        bytes.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static func string(_ bytes: Bytes) -> String { String(decoding: bytes, as: UTF8.self) }
}
