import BerthCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection from the router to a replica, opened on the event loop of
/// the client connection it serves, so a request and its response never change threads.
///
/// Used by one task at a time (the client connection's), one request at a time; the handler's
/// state stays on the event loop and every call below runs there directly when the caller is
/// already on it (the router runs client connections with the loop as task executor).
final class UpstreamConnection: Sendable {
    let replica: ReplicaEndpoint
    let channel: any Channel
    private let handler: NIOLoopBound<UpstreamHandler>

    private init(replica: ReplicaEndpoint, channel: any Channel, handler: NIOLoopBound<UpstreamHandler>) {
        self.replica = replica
        self.channel = channel
        self.handler = handler
    }

    /// Connects to `replica` on `eventLoop`.
    ///
    /// - Throws: `ReplicaProxy.Failure` with kind `.connect`.
    static func connect(
        to replica: ReplicaEndpoint, on eventLoop: any EventLoop, timeout: Duration
    ) async throws -> UpstreamConnection {
        do {
            let (channel, handler) = try await ClientBootstrap(group: eventLoop)
                .connectTimeout(TimeAmount(timeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: replica.host, port: replica.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // Headers sent here were validated when parsed from the client (see Router.bind).
                        try channel.pipeline.syncOperations.addHTTPClientHandlers(enableOutboundHeaderValidation: false)
                        let handler = UpstreamHandler()
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return (channel, NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    }
                }
            return UpstreamConnection(replica: replica, channel: channel, handler: handler)
        } catch {
            throw ReplicaProxy.Failure(kind: .connect, cause: error)
        }
    }

    /// Whether another request may be sent (idle, kept alive, still open). Call on the loop.
    var isReusable: Bool {
        guard channel.eventLoop.inEventLoop else { return channel.isActive }
        return handler.value.isReusable
    }

    /// Sends the request and returns the response head; the body follows through `nextPart()`.
    ///
    /// - Throws: `ReplicaProxy.Failure` (`.stale` when the connection closed before this request).
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline) async throws -> HTTPResponseHead {
        let promise = channel.eventLoop.makePromise(of: HTTPResponseHead.self)
        onLoop { $0.send(head, body: body, deadline: deadline, promise: promise) }
        return try await promise.futureResult.get()
    }

    /// Whether a byte of the current response arrived. Call on the loop, after `send` failed.
    var receivedAnything: Bool {
        channel.eventLoop.inEventLoop ? handler.value.receivedAny : true
    }

    /// The next part of the response body, nil after the last one.
    ///
    /// - Throws: `ReplicaProxy.Failure` when the connection broke or the deadline passed.
    func nextPart() async throws -> ByteBuffer? {
        if channel.eventLoop.inEventLoop {
            switch handler.value.takeBuffered() {
            case .part(let part): return part
            case .end: return nil
            case .failed(let kind): throw ReplicaProxy.Failure(kind: kind, cause: ChannelError.ioOnClosedChannel)
            case .none: break
            }
        }
        let promise = channel.eventLoop.makePromise(of: ByteBuffer?.self)
        onLoop { $0.nextPart(promise: promise) }
        return try await promise.futureResult.get()
    }

    /// The parts received so far and whether the body ended, without waiting (so a small response
    /// goes out to the client in one write). Empty when not on the loop.
    func takeBufferedParts() -> (parts: [ByteBuffer], ended: Bool) {
        guard channel.eventLoop.inEventLoop else { return ([], false) }
        var parts: [ByteBuffer] = []
        while true {
            switch handler.value.takeBuffered() {
            case .part(let part): parts.append(part)
            case .end: return (parts, true)
            case .failed, .none: return (parts, false)
            }
        }
    }

    func close() {
        channel.close(promise: nil)
    }

    private func onLoop(_ body: @escaping @Sendable (UpstreamHandler) -> Void) {
        if channel.eventLoop.inEventLoop {
            body(handler.value)
        } else {
            let handler = self.handler
            channel.eventLoop.execute { body(handler.value) }
        }
    }
}
