import BerthCore
import Synchronization

/// The Nodes and Pods `KubernetesBackend.replicaCapacity` reads, listed at most once per `maxAge`
/// however often the autoscaler samples (every deployment, every refresh period): a cluster-wide
/// Pod list is the most expensive call Berth makes.
///
/// Two callers that find it stale at once may both list; the later answer is kept.
final class ClusterSnapshotCache: Sendable {
    struct Snapshot: Sendable {
        var nodes: JSONValue
        var pods: JSONValue
        var takenAt: ContinuousClock.Instant
    }

    private let cached = Mutex<Snapshot?>(nil)
    let maxAge: Duration
    /// Injected so tests move time without sleeping.
    let now: @Sendable () -> ContinuousClock.Instant

    init(maxAge: Duration = .seconds(3), now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.maxAge = maxAge
        self.now = now
    }

    /// The cached Nodes and Pods when younger than `maxAge`, else `list()`'s, kept for the next calls.
    func snapshot(list: () async throws -> (nodes: JSONValue, pods: JSONValue)) async throws -> (nodes: JSONValue, pods: JSONValue) {
        let now = now()
        if let snapshot = cached.withLock({ $0 }), snapshot.takenAt.duration(to: now) < maxAge {
            return (snapshot.nodes, snapshot.pods)
        }
        let listed = try await list()
        cached.withLock { $0 = Snapshot(nodes: listed.nodes, pods: listed.pods, takenAt: now) }
        return listed
    }
}
