import NIOCore

/// Answers a client connection the router cannot take (`maxConnections` open already) with one
/// 503 as soon as it is active, then closes it; nothing the client sends is read.
final class RefusedConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int
    private let shared: RouterRequestHandler

    init(limit: Int, shared: RouterRequestHandler) {
        self.limit = limit
        self.shared = shared
    }

    func channelActive(context: ChannelHandlerContext) {
        var exchange = RouterRequestHandler.Exchange()
        exchange.keepAlive = false
        let refusal = shared.tooManyConnections(limit: limit, exchange)
        let bytes = shared.encode(refusal, exchange, allocator: context.channel.allocator)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(bytes)).whenComplete { _ in channel.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
