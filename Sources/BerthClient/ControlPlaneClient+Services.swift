import AsyncHTTPClient
internal import BerthAPITypes
import BerthCore
internal import Foundation
import NIOCore
import NIOHTTP1

/// Typed calls for services (deploy, show, keys, logs, delete).
extension ControlPlaneClient {
    /// Starts a deploy; returns its operation (poll it with `waitForOperation`).
    public func deploy(_ request: DeployRequest) async throws -> BerthCore.Operation {
        try await call { try await $0.deployService(body: .json(request.checkedConversion())).accepted.body.json }
            .converted()
    }

    /// The workspace's services; with `tags` or `properties` (each `key` or `key=value`), only
    /// those that have all of them.
    public func services(tags: [String] = [], properties: [String] = []) async throws -> [Webservice] {
        let query = Operations.ListServices.Input.Query(
            tag: tags.isEmpty ? nil : tags, property: properties.isEmpty ? nil : properties)
        return try await call { try await $0.listServices(query: query).ok.body.json.value }.converted()
    }

    public func service(named name: String) async throws -> Webservice {
        try await call { try await $0.getService(path: .init(name: name)).ok.body.json }.converted()
    }

    /// Starts an update of a live service; returns its operation.
    public func updateService(named name: String, _ request: UpdateServiceRequest) async throws -> BerthCore.Operation {
        try await call {
            try await $0.updateService(path: .init(name: name), body: .json(request.checkedConversion())).accepted.body
                .json
        }.converted()
    }

    /// Starts a delete; returns its operation.
    public func deleteService(named name: String) async throws -> BerthCore.Operation {
        try await call { try await $0.deleteService(path: .init(name: name)).accepted.body.json }.converted()
    }

    public func serviceKeys(named name: String) async throws -> ServiceKeys {
        try await call { try await $0.getServiceKeys(path: .init(name: name)).ok.body.json }.converted()
    }

    public func regenerateKey(named name: String, _ request: RegenerateKeyRequest) async throws -> ServiceKeys {
        try await call {
            try await $0.regenerateServiceKey(path: .init(name: name), body: .json(request.checkedConversion())).ok.body
                .json
        }.converted()
    }

    /// The tail of the service's replica logs; with `initOnly`, the last deploy's log and the
    /// replicas' start-up instead (`get-logs --init`).
    public func serviceLogs(named name: String, lines: Int?, replica: String?, initOnly: Bool = false) async throws
        -> String
    {
        let query = Operations.GetServiceLogs.Input.Query(tail: lines, replica: replica, _init: initOnly ? true : nil)
        return try await call {
            try await $0.getServiceLogs(path: .init(name: name), query: query).ok.body.json.content
        }
    }

    /// The service's request telemetry (`appInsightsEnabled`): the newest `limit` records from
    /// `since` (a duration back from now or an ISO-8601 time; the server reads it), only failed
    /// ones with `failedOnly`, oldest first.
    public func serviceTelemetry(named name: String, since: String?, failedOnly: Bool, limit: Int?) async throws
        -> ServiceTelemetry
    {
        let input = Operations.GetServiceTelemetry.Input.Query(
            since: since, failed: failedOnly ? true : nil, limit: limit)
        return try await call {
            try await $0.getServiceTelemetry(path: .init(name: name), query: input).ok.body.json
        }.converted()
    }
}

extension ControlPlaneClient {
    /// Scores a service through the router: `POST <scoringUri>` with `Bearer <key>` when given.
    /// Returns the status and body text whatever the status, for `service run` to show. (Scoring
    /// is the router's API, not the control plane's: `openapi/berth.json` does not describe it.)
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
