import AsyncHTTPClient
import BerthCore
import Foundation
import NIOCore

/// Typed calls for services (deploy, show, keys, logs, delete).
extension ControlPlaneClient {
    /// Starts a deploy; returns its operation (poll it with `waitForOperation`).
    public func deploy(_ request: DeployRequest) async throws -> BerthCore.Operation {
        try await send(.POST, "/api/v1/services", body: request)
    }

    /// The workspace's services; with `tags` or `properties` (each `key` or `key=value`), only
    /// those that have all of them.
    public func services(tags: [String] = [], properties: [String] = []) async throws -> [Webservice] {
        let query = tags.map { "tag=\(Self.escape($0))" } + properties.map { "property=\(Self.escape($0))" }
        let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return try await send(.GET, "/api/v1/services" + suffix, as: ListResponse<Webservice>.self).value
    }

    public func service(named name: String) async throws -> Webservice {
        try await send(.GET, "/api/v1/services/\(Self.escape(name))")
    }

    /// Starts an update of a live service; returns its operation.
    public func updateService(named name: String, _ request: UpdateServiceRequest) async throws -> BerthCore.Operation {
        try await send(.PATCH, "/api/v1/services/\(Self.escape(name))", body: request)
    }

    /// Starts a delete; returns its operation.
    public func deleteService(named name: String) async throws -> BerthCore.Operation {
        try await send(.DELETE, "/api/v1/services/\(Self.escape(name))")
    }

    public func serviceKeys(named name: String) async throws -> ServiceKeys {
        try await send(.GET, "/api/v1/services/\(Self.escape(name))/keys")
    }

    public func regenerateKey(named name: String, _ request: RegenerateKeyRequest) async throws -> ServiceKeys {
        try await send(.POST, "/api/v1/services/\(Self.escape(name))/regenerateKeys", body: request)
    }

    /// The tail of the service's replica logs; with `initOnly`, the last deploy's log and the
    /// replicas' start-up instead (`get-logs --init`).
    public func serviceLogs(named name: String, lines: Int?, replica: String?, initOnly: Bool = false) async throws
        -> String
    {
        var query: [String] = []
        if let lines { query.append("tail=\(lines)") }
        if let replica { query.append("replica=\(Self.escape(replica))") }
        if initOnly { query.append("init=true") }
        let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return try await send(.GET, "/api/v1/services/\(Self.escape(name))/logs" + suffix, as: [String: String].self)[
            "content"] ?? ""
    }
}

extension ControlPlaneClient {
    /// Scores a service through the router: `POST <scoringUri>` with `Bearer <key>` when given.
    /// Returns the status and body text whatever the status, for `service run` to show.
    public func score(uri: String, key: String?, body: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: uri)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(string: body))
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout)
        } catch {
            throw BerthError(.unavailable, "Cannot reach the scoring URI \(uri) (\(error)). Is 'berth server' running?")
        }
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: buffer))
    }
}
