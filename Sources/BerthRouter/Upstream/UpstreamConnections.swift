import BerthCore
import NIOCore

/// The keep-alive connections to replicas that one client connection uses, kept for that client
/// connection's life: a client sends one request at a time, so it needs at most one connection
/// per replica, and owning them outright means the hot path shares nothing and takes no lock.
///
/// Owned by the task that serves the client connection; never shared. Closes everything when
/// the client connection ends.
final class UpstreamConnections {
    /// Replicas remembered at most; the least recently used is closed beyond it.
    static let capacity = 8

    let eventLoop: any EventLoop
    let connectTimeout: Duration
    private var open: [UpstreamConnection] = []

    init(eventLoop: any EventLoop, connectTimeout: Duration) {
        self.eventLoop = eventLoop
        self.connectTimeout = connectTimeout
    }

    deinit {
        for connection in open { connection.close() }
    }

    /// A kept connection to `replica` that can take a request, and whether it was reused; a new
    /// one otherwise.
    ///
    /// - Throws: `ReplicaProxy.Failure` with kind `.connect`.
    func connection(to replica: ReplicaEndpoint) async throws -> (UpstreamConnection, reused: Bool) {
        if let index = open.firstIndex(where: { $0.replica == replica }) {
            let kept = open.remove(at: index)
            if kept.isReusable {
                open.append(kept)
                return (kept, true)
            }
            kept.close()
        }
        let fresh = try await UpstreamConnection.connect(to: replica, on: eventLoop, timeout: connectTimeout)
        if open.count >= Self.capacity { open.removeFirst().close() }
        open.append(fresh)
        return (fresh, false)
    }

    /// Forgets and closes `connection` (its response was not read to the end).
    func discard(_ connection: UpstreamConnection) {
        open.removeAll { $0 === connection }
        connection.close()
    }

    /// Closes every connection.
    func closeAll() {
        for connection in open { connection.close() }
        open.removeAll()
    }
}
