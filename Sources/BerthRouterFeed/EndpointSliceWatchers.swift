import Logging
import ServiceLifecycle
import Synchronization

/// One `EndpointSliceWatcher` per namespace the route table names: the attachment's from the
/// start, and each namespace a deployment's config sets as soon as a feed table names it (deploy
/// gives the router a Role there).
///
/// A namespace no longer named keeps its watch until the router restarts (its slices then serve
/// no service; after the Role is deleted the watch retries quietly with back-off).
public final class EndpointSliceWatchers: Service, Sendable {
    private let wanted: AsyncStream<Set<String>>
    private let continuation: AsyncStream<Set<String>>.Continuation
    private let watching = Mutex<Set<String>>([])
    private let makeWatcher: @Sendable (String) -> EndpointSliceWatcher
    private let logger: Logger

    /// - Parameters:
    ///   - initial: the namespace watched from the start (`--namespace`, the attachment's).
    ///   - makeWatcher: the watcher of one namespace.
    public init(initial: String, logger: Logger, makeWatcher: @escaping @Sendable (String) -> EndpointSliceWatcher) {
        (wanted, continuation) = AsyncStream.makeStream(of: Set<String>.self, bufferingPolicy: .bufferingNewest(16))
        self.makeWatcher = makeWatcher
        self.logger = logger
        continuation.yield([initial])
    }

    /// The namespaces the newest table needs; watches start for the new ones. Cheap, callable anywhere.
    public func want(_ namespaces: Set<String>) {
        continuation.yield(namespaces)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await namespaces in self.wanted {
                    let new = self.watching.withLock { watching in
                        let new = namespaces.subtracting(watching)
                        watching.formUnion(new)
                        return new
                    }
                    for namespace in new.sorted() {
                        self.logger.info("Watching EndpointSlices", metadata: ["namespace": "\(namespace)"])
                        let watcher = self.makeWatcher(namespace)
                        group.addTask { try? await watcher.run() }
                    }
                }
                group.cancelAll()
            }
        }
        continuation.finish()
    }
}
