internal import BerthAPITypes
import BerthCore

/// Typed calls for the environment caches.
extension ControlPlaneClient {
    /// Every cached environment, with the services that run it.
    public func environments() async throws -> [CachedEnvironment] {
        try await call { try await $0.listEnvironments().ok.body.json.value }.converted()
    }

    /// Removes the cached environments no service runs (or lists them, with `dryRun`).
    public func pruneEnvironments(_ request: PruneEnvironmentsRequest) async throws -> PruneEnvironmentsResult {
        try await call { try await $0.pruneEnvironments(body: .json(request.checkedConversion())).ok.body.json }
            .converted()
    }
}
