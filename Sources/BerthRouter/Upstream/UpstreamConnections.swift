import BerthCore
import NIOCore

/// The keep-alive connections to replicas that one client connection uses, kept for that client
/// connection's life: a client sends one request at a time, so it needs at most one connection
/// per replica, and owning them outright means the hot path shares nothing and takes no lock.
///
/// Owned by the client connection's handler, on its event loop; never shared. Closes everything
/// when the client connection ends.
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

    /// A kept connection to `replica` that can take a request now, if there is one.
    func kept(to replica: ReplicaEndpoint) -> UpstreamConnection? {
        guard let index = open.firstIndex(where: { $0.replica == replica }) else { return nil }
        if open[index].isReusable {
            // Most recently used last, without moving anything when it is last already (the usual case).
            if index != open.count - 1 { open.append(open.remove(at: index)) }
            return open[open.count - 1]
        }
        open.remove(at: index).close()
        return nil
    }

    /// A new connection to `replica`, kept for the next requests; fails with
    /// `ReplicaProxy.Failure` of kind `.connect`.
    func connect(to replica: ReplicaEndpoint) -> EventLoopFuture<UpstreamConnection> {
        UpstreamConnection.connect(to: replica, on: eventLoop, timeout: connectTimeout)
    }

    /// Keeps `connection` (just connected) for the next requests to its replica.
    func keep(_ connection: UpstreamConnection) {
        if let index = open.firstIndex(where: { $0.replica == connection.replica }) { open.remove(at: index).close() }
        if open.count >= Self.capacity { open.removeFirst().close() }
        open.append(connection)
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
