import BerthCore

/// Typed calls for endpoints and their versions.
extension ControlPlaneClient {
    /// Creates an endpoint with its first version; returns the version's deploy operation.
    public func createEndpoint(_ request: CreateEndpointRequest) async throws -> BerthCore.Operation {
        try await send(.POST, "/api/v1/endpoints", body: request)
    }

    public func endpoints() async throws -> [Endpoint] {
        try await send(.GET, "/api/v1/endpoints", as: ListResponse<Endpoint>.self).value
    }

    public func endpoint(named name: String) async throws -> Endpoint {
        try await send(.GET, "/api/v1/endpoints/\(Self.escape(name))")
    }

    /// Changes endpoint-level auth or description; the endpoint after the change.
    public func updateEndpoint(named name: String, _ update: EndpointUpdate) async throws -> Endpoint {
        try await send(.PATCH, "/api/v1/endpoints/\(Self.escape(name))", body: update)
    }

    /// Removes the endpoint from the router and starts deleting its versions; their operations.
    public func deleteEndpoint(named name: String) async throws -> [BerthCore.Operation] {
        try await send(.DELETE, "/api/v1/endpoints/\(Self.escape(name))", as: ListResponse<BerthCore.Operation>.self).value
    }

    /// Adds a version; returns its deploy operation.
    public func createEndpointVersion(_ request: EndpointVersionRequest, endpoint: String) async throws -> BerthCore.Operation {
        try await send(.POST, "/api/v1/endpoints/\(Self.escape(endpoint))/versions", body: request)
    }

    /// Changes a version's traffic or roles; the endpoint after the change.
    public func updateEndpointVersion(_ version: String, endpoint: String, _ update: EndpointVersionUpdate) async throws
        -> Endpoint
    {
        try await send(.PATCH, "/api/v1/endpoints/\(Self.escape(endpoint))/versions/\(Self.escape(version))", body: update)
    }

    /// Takes a version out of the split and starts deleting its deployment.
    public func deleteEndpointVersion(_ version: String, endpoint: String) async throws -> [BerthCore.Operation] {
        try await send(
            .DELETE, "/api/v1/endpoints/\(Self.escape(endpoint))/versions/\(Self.escape(version))",
            as: ListResponse<BerthCore.Operation>.self
        ).value
    }

    public func endpointKeys(named name: String) async throws -> ServiceKeys {
        try await send(.GET, "/api/v1/endpoints/\(Self.escape(name))/keys")
    }

    public func regenerateEndpointKey(named name: String, _ request: RegenerateKeyRequest) async throws -> ServiceKeys {
        try await send(.POST, "/api/v1/endpoints/\(Self.escape(name))/regenerateKeys", body: request)
    }

    public func accessToken(forEndpoint name: String) async throws -> AccessToken {
        try await send(.POST, "/api/v1/endpoints/\(Self.escape(name))/token")
    }

    /// The router's per-version numbers over the last `windowSeconds`.
    public func endpointMetrics(named name: String, windowSeconds: Int = 60) async throws -> [EndpointVersionMetrics] {
        try await send(
            .GET, "/api/v1/endpoints/\(Self.escape(name))/metrics?window=\(windowSeconds)",
            as: ListResponse<EndpointVersionMetrics>.self
        ).value
    }
}
