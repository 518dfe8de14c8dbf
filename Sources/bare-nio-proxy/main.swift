// A bare SwiftNIO HTTP/1.1 reverse proxy, for scripts/bench/router-vs-nginx.sh only: what NIO's
// HTTP codec, channel pipeline and the kernel cost per proxied request with none of the router's
// own work (no route table, admission, auth, request ids, header rewriting, timers or retries).
// Each client connection gets one keep-alive connection to the backend on the same event loop;
// requests and responses are relayed part by part. The benchmark prints berth against it, so the
// router's own overhead and NIO's floor show separately. Not part of Berth; never run in tests.
//
// Usage: bare-nio-proxy LISTEN_PORT BACKEND_PORT
import NIOCore
import NIOHTTP1
import NIOPosix

final class BackendSide: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    let client: ClientSide

    init(client: ClientSide) { self.client = client }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { client.relay(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { client.flush() }
    func channelInactive(context: ChannelHandlerContext) { client.close() }
}

final class ClientSide: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let backendPort: Int
    var context: ChannelHandlerContext?
    var backend: (any Channel)?
    var waiting: [HTTPClientRequestPart] = []

    init(backendPort: Int) { self.backendPort = backendPort }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        // Both connections live on this loop: the client side is only touched there.
        let bound = NIOLoopBound(self, eventLoop: loop)
        ClientBootstrap(group: loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(BackendSide(client: bound.value))
                }
            }
            .connect(host: "127.0.0.1", port: backendPort)
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    self.backend = channel
                    for part in self.waiting { channel.write(part, promise: nil) }
                    self.waiting = []
                    channel.flush()
                case .failure:
                    self.close()
                }
            }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part: HTTPClientRequestPart
        switch unwrapInboundIn(data) {
        case .head(let head): part = .head(head)
        case .body(let body): part = .body(.byteBuffer(body))
        case .end(let trailers): part = .end(trailers)
        }
        guard let backend else { return waiting.append(part) }
        if case .end = part { backend.writeAndFlush(part, promise: nil) } else { backend.write(part, promise: nil) }
    }

    func relay(_ part: HTTPClientResponsePart) {
        switch part {
        case .head(let head):
            let relayed = HTTPResponseHead(version: head.version, status: head.status, headers: head.headers)
            context?.write(wrapOutboundOut(.head(relayed)), promise: nil)
        case .body(let body): context?.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .end(let trailers): context?.write(wrapOutboundOut(.end(trailers)), promise: nil)
        }
    }

    func flush() { context?.flush() }

    func close() { context?.close(promise: nil) }

    func channelInactive(context: ChannelHandlerContext) {
        backend?.close(promise: nil)
        context.fireChannelInactive()
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let listenPort = Int(arguments[1]), let backendPort = Int(arguments[2]) else {
    print("usage: bare-nio-proxy LISTEN_PORT BACKEND_PORT")
    exit(2)
}
let server = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 512)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
            try channel.pipeline.syncOperations.addHandler(ClientSide(backendPort: backendPort))
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).wait()
print("Listening on http://127.0.0.1:\(listenPort)")
try server.closeFuture.wait()
