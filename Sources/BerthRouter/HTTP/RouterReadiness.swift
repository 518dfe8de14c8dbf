import Synchronization

/// Whether the router has a route table to serve, for its readiness path (`GET /ready`).
///
/// A router that follows the control plane's feed starts with no table: until the first one
/// arrives it would answer every scoring request 404, so a load balancer must not send it traffic
/// yet, while `GET /` (liveness) already answers so it is not restarted for waiting.
final class RouterReadiness: Sendable {
    private let hasTable = Atomic<Bool>(false)

    /// Whether a route table was applied.
    var isReady: Bool { hasTable.load(ordering: .relaxed) }

    /// Called when a route table was applied.
    func tableApplied() { hasTable.store(true, ordering: .relaxed) }
}
