import Synchronization

/// Whether a cluster's API server takes the `sleep` preStop action, once asked: the server's
/// version does not change under a backend often enough to ask per deploy.
final class SleepActionSupport: Sendable {
    private let state = Mutex<Bool?>(nil)

    var known: Bool? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
