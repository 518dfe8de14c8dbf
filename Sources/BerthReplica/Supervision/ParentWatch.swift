import Foundation
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// Ends when the process that started this one is gone (this process was re-parented), so the
/// `ServiceGroup` shuts the replica down gracefully: replicas never outlive the server that owns
/// them, and a restarted server starts its own.
public struct ParentWatch: Service {
    private let parent: Int32
    private let interval: Duration

    /// Watches the current parent process, checking every `interval`.
    public init(interval: Duration = .milliseconds(500)) {
        self.parent = getppid()
        self.interval = interval
    }

    public func run() async throws {
        // Graceful shutdown cancels the wait, which is this service's normal end: a thrown
        // CancellationError would count as a failure, and the group would cancel the replica
        // (SIGKILL to its workers, no drain, no flush of its trace spans) instead of stopping it.
        let parent = self.parent
        let interval = self.interval
        try? await cancelWhenGracefulShutdown {
            while getppid() == parent {
                try await Task.sleep(for: interval)
            }
        }
    }
}
