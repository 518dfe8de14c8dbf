internal import BerthAPITypes
import BerthCore

/// Typed calls for endpoints and their versions.
extension ControlPlaneClient {
    /// Creates an endpoint with its first version; returns the version's deploy operation.
    public func createEndpoint(_ request: CreateEndpointRequest) async throws -> BerthCore.Operation {
        try await call { try await $0.createEndpoint(body: .json(request.checkedConversion())).accepted.body.json }
            .converted()
    }

    public func endpoints() async throws -> [Endpoint] {
        try await call { try await $0.listEndpoints().ok.body.json.value }.converted()
    }

    public func endpoint(named name: String) async throws -> Endpoint {
        try await call { try await $0.getEndpoint(path: .init(name: name)).ok.body.json }.converted()
    }

    /// Changes endpoint-level auth or description; the endpoint after the change.
    public func updateEndpoint(named name: String, _ update: EndpointUpdate) async throws -> Endpoint {
        try await call {
            try await $0.updateEndpoint(path: .init(name: name), body: .json(update.checkedConversion())).ok.body.json
        }.converted()
    }

    /// Removes the endpoint from the router and starts deleting its versions; their operations.
    public func deleteEndpoint(named name: String) async throws -> [BerthCore.Operation] {
        try await call { try await $0.deleteEndpoint(path: .init(name: name)).ok.body.json.value }.converted()
    }

    /// Adds a version; returns its deploy operation.
    public func createEndpointVersion(_ request: EndpointVersionRequest, endpoint: String) async throws
        -> BerthCore.Operation
    {
        try await call {
            try await $0.createEndpointVersion(path: .init(name: endpoint), body: .json(request.checkedConversion()))
                .accepted.body.json
        }.converted()
    }

    /// Changes a version's traffic or roles; the endpoint after the change.
    public func updateEndpointVersion(_ version: String, endpoint: String, _ update: EndpointVersionUpdate) async throws
        -> Endpoint
    {
        try await call {
            try await $0.updateEndpointVersion(
                path: .init(name: endpoint, version: version), body: .json(update.checkedConversion())
            ).ok.body.json
        }.converted()
    }

    /// Takes a version out of the split and starts deleting its deployment.
    public func deleteEndpointVersion(_ version: String, endpoint: String) async throws -> [BerthCore.Operation] {
        try await call {
            try await $0.deleteEndpointVersion(path: .init(name: endpoint, version: version)).ok.body.json.value
        }.converted()
    }

    public func endpointKeys(named name: String) async throws -> ServiceKeys {
        try await call { try await $0.getEndpointKeys(path: .init(name: name)).ok.body.json }.converted()
    }

    public func regenerateEndpointKey(named name: String, _ request: RegenerateKeyRequest) async throws -> ServiceKeys {
        try await call {
            try await $0.regenerateEndpointKey(path: .init(name: name), body: .json(request.checkedConversion())).ok
                .body.json
        }.converted()
    }

    public func accessToken(forEndpoint name: String) async throws -> AccessToken {
        try await call { try await $0.getEndpointToken(path: .init(name: name)).ok.body.json }.converted()
    }

    /// The router's per-version numbers over the last `windowSeconds`.
    public func endpointMetrics(named name: String, windowSeconds: Int = 60) async throws -> [EndpointVersionMetrics] {
        try await call {
            try await $0.getEndpointMetrics(path: .init(name: name), query: .init(window: windowSeconds)).ok.body.json
                .value
        }.converted()
    }
}
