import BerthCore
import Synchronization

/// The function the self-scaling loop asks for the cluster's current purpose, set once the
/// router's owner can answer (`Router.followClusterPurpose`); read once per sampling period.
final class ClusterPurposeSource: Sendable {
    typealias Source = @Sendable () async -> ClusterPurpose?

    private let state = Mutex<Source?>(nil)

    var current: Source? { state.withLock { $0 } }

    func set(_ source: @escaping Source) {
        state.withLock { $0 = source }
    }
}
