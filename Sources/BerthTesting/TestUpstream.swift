import BerthCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A request as a test upstream received it.
package struct UpstreamRequest: Sendable {
    package var method: HTTPMethod
    package var uri: String
    package var headers: HTTPHeaders
    package var body: String
}

/// What a test upstream does with a request.
package enum UpstreamReply: Sendable {
    /// Answers after `delay`.
    case respond(
        status: HTTPResponseStatus = .ok, headers: [(String, String)] = [], body: String = "", delay: TimeAmount = .zero
    )
    /// Closes the connection after `delay` without answering, like a replica that died mid-request.
    case hangUp(after: TimeAmount = .zero)
    /// Answers `body`, then closes the connection without saying so (no `Connection: close`), like
    /// a replica closing an idle keep-alive connection or restarting between requests.
    case respondThenClose(body: String)
    /// Answers with a chunked body (no `Content-Length`), one flushed chunk per part.
    case respondChunked(parts: [String])
}

/// A scripted HTTP/1.1 server on a loopback port chosen by the OS, standing in for a replica so
/// router tests control timing, failures and statuses exactly — or for the control plane, so a
/// replica's telemetry shipping meets refusals and failures on cue.
package final class TestUpstream: Sendable {
    package let id: String
    package let port: Int
    private let channel: any Channel
    private let ledger: UpstreamLedger

    /// The route-table entry pointing at this upstream.
    package var endpoint: ReplicaEndpoint { ReplicaEndpoint(id: id, port: port) }
    /// Every request received so far, in arrival order.
    package var requests: [UpstreamRequest] { ledger.state.withLock { $0.requests } }
    /// Requests being answered right now.
    package var inFlight: Int { ledger.state.withLock { $0.current } }
    /// The most requests it answered at the same time.
    package var peakInFlight: Int { ledger.state.withLock { $0.peak } }
    /// TCP connections accepted so far.
    package var connections: Int { ledger.connections.withLock { $0 } }

    private init(id: String, port: Int, channel: any Channel, ledger: UpstreamLedger) {
        self.id = id
        self.port = port
        self.channel = channel
        self.ledger = ledger
    }

    /// - Parameter socketPath: a Unix domain socket to listen on instead of a loopback port (the
    ///   upstream's `port` is then 0): a path no other test takes, unlike a port given back.
    package static func start(
        id: String, socketPath: String? = nil,
        _ reply: @escaping @Sendable (UpstreamRequest) -> UpstreamReply = { _ in .respond(body: "ok") }
    ) async throws -> TestUpstream {
        let ledger = UpstreamLedger()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(reply: reply, ledger: ledger))
                }
            }
        let channel: any Channel
        if let socketPath {
            channel = try await bootstrap.bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true).get()
        } else {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        }
        return TestUpstream(id: id, port: channel.localAddress?.port ?? 0, channel: channel, ledger: ledger)
    }

    package func stop() async {
        try? await channel.close()
    }
}

/// What a test upstream saw, shared by its connections.
private final class UpstreamLedger: Sendable {
    let state = Mutex<(requests: [UpstreamRequest], current: Int, peak: Int)>(([], 0, 0))
    let connections = Mutex(0)

    func begin(_ request: UpstreamRequest) {
        state.withLock {
            $0.requests.append(request)
            $0.current += 1
            $0.peak = max($0.peak, $0.current)
        }
    }

    func end() {
        state.withLock { $0.current -= 1 }
    }
}

private final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let reply: @Sendable (UpstreamRequest) -> UpstreamReply
    let upstream: UpstreamLedger?
    private var head: HTTPRequestHead?
    private var body = ""

    init(reply: @escaping @Sendable (UpstreamRequest) -> UpstreamReply, ledger: UpstreamLedger) {
        self.reply = reply
        self.upstream = ledger
    }

    func channelActive(context: ChannelHandlerContext) {
        upstream?.connections.withLock { $0 += 1 }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ""
        case .body(let chunk):
            body += String(buffer: chunk)
        case .end:
            guard let head else { return }
            let request = UpstreamRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            let upstream = self.upstream
            upstream?.begin(request)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            switch reply(request) {
            case .respond(let status, let headers, let body, let delay):
                context.eventLoop.scheduleTask(in: delay) {
                    let (handler, context) = loopBound.value
                    upstream?.end()
                    var responseHeaders = HTTPHeaders(headers)
                    responseHeaders.replaceOrAdd(name: "Content-Length", value: String(body.utf8.count))
                    context.write(
                        handler.wrapOutboundOut(
                            .head(.init(version: .http1_1, status: status, headers: responseHeaders))), promise: nil)
                    context.write(handler.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                    context.writeAndFlush(handler.wrapOutboundOut(.end(nil)), promise: nil)
                }
            case .respondThenClose(let body):
                upstream?.end()
                let headers: HTTPHeaders = ["Content-Length": String(body.utf8.count)]
                context.write(
                    wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                    loopBound.value.1.close(promise: nil)
                }
            case .respondChunked(let parts):
                upstream?.end()
                let headers: HTTPHeaders = ["Transfer-Encoding": "chunked", "Content-Type": "text/plain"]
                context.write(
                    wrapOutboundOut(.head(.init(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                for part in parts {
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: part)))), promise: nil)
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            case .hangUp(let delay):
                context.eventLoop.scheduleTask(in: delay) {
                    upstream?.end()
                    loopBound.value.1.close(promise: nil)
                }
            }
        }
    }
}
