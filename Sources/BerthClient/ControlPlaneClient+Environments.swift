import BerthCore

/// Typed calls for the environment caches.
extension ControlPlaneClient {
    /// Every cached environment, with the services that run it.
    public func environments() async throws -> [CachedEnvironment] {
        try await send(.GET, "/api/v1/environments", as: ListResponse<CachedEnvironment>.self).value
    }

    /// Removes the cached environments no service runs (or lists them, with `dryRun`).
    public func pruneEnvironments(_ request: PruneEnvironmentsRequest) async throws -> PruneEnvironmentsResult {
        try await send(.POST, "/api/v1/environments/prune", body: request)
    }
}
