import NIOCore
import NIOHTTP1

/// Collects one HTTP/1.1 request at a time (bounded by `maxBodyBytes`), hands it to the routes
/// and writes the answer; keep-alive unless the client asks to close.
///
/// NIO's pipelining assistance sits in front, so at most one request per connection is here at a
/// time and responses leave in order. A request refused from its head (no router secret, a body
/// over the limit) is answered at once; the rest of it is dropped and the connection closes.
final class ReplicaHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case collecting(HTTPRequestHead, ByteBuffer)
        /// The body is over the limit: the rest is dropped and the connection closes after the 413.
        case discarding
    }

    private let routes: ReplicaRoutes
    private var state = State.idle

    init(routes: ReplicaRoutes) {
        self.routes = routes
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if var refusal = routes.refusal(for: head) {
                state = .discarding
                if head.method == .HEAD { refusal.dropBodyKeepingLength() }
                write(refusal, keepAlive: false, context: context)
                return
            }
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > routes.maxBodyBytes {
                state = .discarding
                write(routes.payloadTooLarge(), keepAlive: false, context: context)
                return
            }
            state = .collecting(head, context.channel.allocator.buffer(capacity: 0))
        case .body(var chunk):
            guard case .collecting(let head, var body) = state else { return }
            state = .idle  // Drops the reference so the append below does not copy the buffer.
            if body.readableBytes + chunk.readableBytes > routes.maxBodyBytes {
                state = .discarding
                write(routes.payloadTooLarge(), keepAlive: false, context: context)
                return
            }
            if body.readableBytes == 0 {
                body = chunk
            } else {
                body.writeBuffer(&chunk)
            }
            state = .collecting(head, body)
        case .end:
            guard case .collecting(let head, let body) = state else {
                state = .idle
                return
            }
            state = .idle
            let keepAlive = head.isKeepAlive
            let isHead = head.method == .HEAD
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            routes.respond(to: head, body: body, on: context.eventLoop).whenComplete { result in
                let (handler, context) = loopBound.value
                switch result {
                case .success(var response):
                    if isHead { response.dropBodyKeepingLength() }
                    handler.write(response, keepAlive: keepAlive, context: context)
                case .failure:
                    handler.write(
                        ReplicaRoutes.json(status: .internalServerError, message: "The replica failed to answer."),
                        keepAlive: false, context: context)
                }
            }
        }
    }

    private func write(_ response: ReplicaResponse, keepAlive: Bool, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(response.head(keepAlive: keepAlive))), promise: nil)
        if response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive {
            let channel = context.channel
            done.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

extension ReplicaResponse {
    /// The head that goes out for this response: its headers, the body's length unless they say
    /// it already (a HEAD answer's) or the status has no body, and `Connection: close` when the
    /// connection ends after it.
    func head(keepAlive: Bool) -> HTTPResponseHead {
        var headers = headers
        if !Self.hasNoBody(status) && !headers.contains(name: "Content-Length") {
            headers.add(name: "Content-Length", value: String(body.readableBytes))
        }
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        return HTTPResponseHead(version: .http1_1, status: status, headers: headers)
    }

    /// Whether a response with `status` carries no body (RFC 9110 §6.4.1), whatever it was given:
    /// the router reads any bytes after its head as the start of the next response.
    static func hasNoBody(_ status: HTTPResponseStatus) -> Bool {
        status.code < 200 || status == .noContent || status == .notModified
    }
}
