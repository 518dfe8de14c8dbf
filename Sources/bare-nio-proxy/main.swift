// A bare SwiftNIO HTTP/1.1 reverse proxy, for scripts/bench/router-vs-nginx.sh only: what NIO's
// HTTP codec, channel pipeline and the kernel cost per proxied request with none of the router's
// own work (no route table, admission, auth, request ids, header rewriting, timers or retries).
// Each client connection gets one keep-alive connection to the backend on the same event loop;
// requests and responses are relayed part by part. The benchmark prints berth against it, so the
// router's own overhead and NIO's floor show separately. Not part of Berth; never run in tests.
//
// With `--tcp` it relays bytes without parsing HTTP at all: the ceiling of any proxy built on
// NIO's channels (a router still has to find where requests end, so it cannot get there).
//
// Usage: bare-nio-proxy [--tcp] LISTEN_PORT BACKEND_PORT
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

/// `--tcp`: one side of a byte relay; what one channel reads, the other writes.
final class ByteRelay: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    var peer: (any Channel)?
    var waiting: [ByteBuffer] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let peer else { return waiting.append(bytes) }
        peer.write(bytes, promise: nil)
    }
    func channelReadComplete(context: ChannelHandlerContext) { peer?.flush() }
    func channelInactive(context: ChannelHandlerContext) { peer?.close(promise: nil) }

    func attach(_ peer: any Channel) {
        self.peer = peer
        for bytes in waiting { peer.write(bytes, promise: nil) }
        waiting = []
        peer.flush()
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
let rawTCP = arguments.first == "--tcp"
if rawTCP { arguments.removeFirst() }
guard arguments.count == 2, let listenPort = Int(arguments[0]), let backendPort = Int(arguments[1]) else {
    print("usage: bare-nio-proxy [--tcp] LISTEN_PORT BACKEND_PORT")
    exit(2)
}
let server = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .serverChannelOption(.backlog, value: 512)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
    .childChannelOption(.maxMessagesPerRead, value: 16)
    .childChannelInitializer { channel in
        if rawTCP { return relayBytes(from: channel, toPort: backendPort) }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false)
            try channel.pipeline.syncOperations.addHandler(ClientSide(backendPort: backendPort))
        }
    }
    .bind(host: "127.0.0.1", port: listenPort).wait()
/// Connects `client` to the backend and relays bytes both ways.
func relayBytes(from client: any Channel, toPort port: Int) -> EventLoopFuture<Void> {
    let clientSide = ByteRelay()
    let added = client.eventLoop.makeCompletedFuture { try client.pipeline.syncOperations.addHandler(clientSide) }
    let bound = NIOLoopBound(clientSide, eventLoop: client.eventLoop)
    ClientBootstrap(group: client.eventLoop)
        .channelOption(.socketOption(.tcp_nodelay), value: 1)
        .channelInitializer { backend in
            backend.eventLoop.makeCompletedFuture {
                let backendSide = ByteRelay()
                backendSide.peer = client
                try backend.pipeline.syncOperations.addHandler(backendSide)
            }
        }
        .connect(host: "127.0.0.1", port: port)
        .whenComplete { result in
            switch result {
            case .success(let backend): bound.value.attach(backend)
            case .failure: client.close(promise: nil)
            }
        }
    return added
}

print("Listening on http://127.0.0.1:\(listenPort)")
try server.closeFuture.wait()
