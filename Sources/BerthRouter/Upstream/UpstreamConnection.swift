import BerthCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection from the router to a replica, opened on the event loop of
/// the client connection it serves, so a request and its response never change threads.
///
/// Used by one client connection, one request at a time, and only on its event loop (the
/// handler's state is the loop's alone).
final class UpstreamConnection {
    let replica: ReplicaEndpoint
    let channel: any Channel
    let handler: UpstreamHandler
    /// The `Host` header value for this replica, made once per connection instead of per request.
    let hostHeader: String

    private init(replica: ReplicaEndpoint, channel: any Channel, handler: UpstreamHandler) {
        self.replica = replica
        self.channel = channel
        self.handler = handler
        if replica.socketPath != nil {
            self.hostHeader = "localhost"
        } else {
            self.hostHeader =
                replica.host.contains(":") ? "[\(replica.host)]:\(replica.port)" : "\(replica.host):\(replica.port)"
        }
    }

    /// Connects to `replica` on `eventLoop`; the future completes on that loop and fails with
    /// `ReplicaProxy.Failure` of kind `.connect`.
    static func connect(
        to replica: ReplicaEndpoint, on eventLoop: any EventLoop, timeout: Duration
    ) -> EventLoopFuture<UpstreamConnection> {
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No HTTP codec: `UpstreamHandler` writes requests and frames responses itself.
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
        let connected: EventLoopFuture<any Channel>
        if let socketPath = replica.socketPath {
            connected = bootstrap.connect(unixDomainSocketPath: socketPath)
        } else {
            connected = bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: replica.host, port: replica.port)
        }
        return
            connected
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
                return UpstreamConnection(replica: replica, channel: channel, handler: handler)
            }
            .flatMapErrorThrowing { error in
                throw ReplicaProxy.Failure(kind: .connect, cause: error)
            }
    }

    /// Whether another request may be sent (idle, kept alive, still open).
    var isReusable: Bool { handler.isReusable }

    func close() {
        handler.abandon()
    }
}
