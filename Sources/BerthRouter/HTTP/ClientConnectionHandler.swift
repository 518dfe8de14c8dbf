import BerthCore
import Logging
import NIOCore
import NIOHTTP1

/// Serves one client connection as a plain NIO channel handler on the connection's event loop:
/// collects each request's body (bounded), answers what the router answers itself, and forwards
/// scoring and swagger requests through admission to a replica over this connection's own
/// keep-alive connections (`ClientConnectionHandler+Forwarding.swift`), relaying the replica's
/// response part by part as it is read.
///
/// No task, async sequence or executor hop per request or connection: every step runs in the
/// event loop's own callbacks, and everything it owns (state, `UpstreamConnections`) is touched
/// only there, so it takes no lock; the shared state it reads (`Admission`, `RolloutTables`)
/// is one lock or an immutable snapshot away.
///
/// Pipelined requests (parts that arrive while a response is still being made) are held here and
/// replayed once it ended, and reading pauses only while some are held. NIO's
/// `HTTPServerPipelineHandler` did this before, but it paused reading during *every* response,
/// which costs two `epoll_ctl` system calls per request (a third of the router's system calls under
/// load), so the pipeline is set up without it (`Router.bind`) and graceful shutdown
/// (`ChannelShouldQuiesceEvent`) is honoured here too.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        /// Between requests.
        case idle
        /// A request head arrived; its body is being collected (nil until a part arrives).
        case receiving(HTTPRequestHead, body: ByteBuffer?)
        /// 413 went out; the rest of the body is read and dropped (up to a bound), then the connection closes.
        case refusing(drained: Int)
        /// The request is with admission or a replica (`forwarding` says where).
        case forwarding
        /// The client connection closed.
        case closed
    }

    /// Body bytes read and dropped after a 413 before the connection closes anyway.
    static let drainLimitBytes = 8 * 1024 * 1024

    let shared: RouterRequestHandler
    var state = State.idle
    var context: ChannelHandlerContext?
    var upstreams: UpstreamConnections?
    /// The headers every response of the current request carries; nil between requests.
    var exchange: RouterRequestHandler.Exchange?
    /// The forwarded request in progress, if any.
    var forwarding: Forwarding?
    /// Request parts that arrived while a request was being answered, in order.
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    /// A read was asked for while parts were held; it is passed on once they are replayed.
    private var readPending = false
    /// Graceful shutdown asked this connection to close after its current response.
    private var quiescing = false
    /// Held parts are being handled; a response that ends meanwhile leaves the next to this loop.
    private var isReplaying = false
    /// The relayed response's body goes to the client chunked (the replica gave no length).
    var chunkedToClient = false

    init(shared: RouterRequestHandler) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        upstreams = shared.proxy.connections(on: context.eventLoop)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandon()
        self.context = nil
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isAnswering || !pipelined.isEmpty {
            pipelined.append(part)
        } else {
            handle(part, context: context)
        }
    }

    /// Whether a request is with admission or a replica, so the next one has to wait its turn.
    private var isAnswering: Bool {
        if case .forwarding = state { return true }
        return false
    }

    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            guard case .idle = state else { return }
            exchange = RouterRequestHandler.Exchange(head)
            if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > shared.maxBodyBytes {
                return refuseTooLarge()
            }
            state = .receiving(head, body: nil)
        case .body(var chunk):
            switch state {
            case .receiving(let head, var body):
                guard (body?.readableBytes ?? 0) + chunk.readableBytes <= shared.maxBodyBytes else {
                    return refuseTooLarge()
                }
                state = .idle  // Lets go of the state's reference, so `body` grows in place.
                if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
                state = .receiving(head, body: body)
            case .refusing(let drained):
                let total = drained + chunk.readableBytes
                if total > Self.drainLimitBytes { return context.close(promise: nil) }
                state = .refusing(drained: total)
            case .idle, .forwarding, .closed:
                break
            }
        case .end:
            switch state {
            case .receiving(let head, let body):
                state = .forwarding
                dispatch(head, body: body)
            case .refusing:
                context.close(promise: nil)
            case .idle, .forwarding, .closed:
                break
            }
        }
    }

    private func dispatch(_ head: HTTPRequestHead, body: ByteBuffer?) {
        guard var exchange else { return }
        let decision = shared.decide(head, body: body, exchange: &exchange)
        self.exchange = exchange
        switch decision {
        case .respond(let response): respond(response)
        case .forward(let plan): forward(plan)
        }
    }

    /// Writes 413 and reads (and drops) what the client still sends, up to a bound, so the client
    /// reads the answer instead of a connection reset; then the connection closes.
    private func refuseTooLarge() {
        guard let exchange else { return }
        self.exchange?.keepAlive = false
        state = .refusing(drained: 0)
        respond(shared.tooLarge(exchange))
    }

    // MARK: Responses

    /// Writes a complete response of the router's own, with the exchange's headers, and ends the request.
    func respond(_ response: RouterResponse) {
        guard let context, let exchange else { return }
        var bytes = ResponseEncoding.head(shared.head(of: response, exchange), allocator: context.channel.allocator)
        if response.body.readableBytes > 0 && !exchange.isHead {
            var body = response.body
            bytes.writeBuffer(&body)
        }
        context.write(wrapOutboundOut(bytes), promise: nil)
        endResponse()
    }

    /// Ends the current response (one flush for all its parts); then takes the next request, or
    /// closes the connection once written when the exchange does not keep it alive.
    func endResponse() {
        guard let context, let exchange else { return }
        self.exchange = nil
        let end = wrapOutboundOut(
            chunkedToClient ? ResponseEncoding.lastChunk : context.channel.allocator.buffer(capacity: 0))
        chunkedToClient = false
        if case .refusing = state {
            context.writeAndFlush(end, promise: nil)  // The body is still being dropped; its end closes.
        } else if exchange.keepAlive && !quiescing {
            state = .idle
            context.writeAndFlush(end, promise: nil)
            replayPipelined(context: context)
        } else {
            state = .idle
            let channel = context.channel
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(end, promise: written)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: Pipelining

    /// Handles held parts in order until one starts a response that is not done at once.
    private func replayPipelined(context: ChannelHandlerContext) {
        guard !isReplaying else { return }
        isReplaying = true
        while !isAnswering, !isClosed, let part = pipelined.popFirst() {
            handle(part, context: context)
        }
        isReplaying = false
        if pipelined.isEmpty && readPending {
            readPending = false
            context.read()
        }
    }

    /// Reading pauses while parts are held, so a client that pipelines cannot make the router
    /// buffer without bound; otherwise reads go on during a response (no system call per request).
    func read(context: ChannelHandlerContext) {
        if pipelined.isEmpty {
            context.read()
        } else {
            readPending = true
        }
    }

    // MARK: Connection events

    /// Graceful shutdown: an idle connection closes now, a busy one after its current response,
    /// which says `Connection: close` when its head is still to be written.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else { return context.fireUserInboundEventTriggered(event) }
        quiescing = true
        if case .idle = state {
            context.close(promise: nil)
        } else {
            exchange?.keepAlive = false
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { forwarding?.connection?.handler.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        abandon()
        context.fireChannelInactive()
    }

    /// Bytes that are not HTTP get a 400 with the router's JSON error body when no response has
    /// started (NIO's `HTTPServerProtocolErrorHandler` would send an empty one), else the current
    /// response is the connection's last; any other error closes the connection.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("Client connection error", metadata: ["error": "\(error)"])
        guard error is HTTPParserError else { return context.close(promise: nil) }
        pipelined.removeAll()
        switch state {
        case .idle, .receiving:
            var exchange = self.exchange ?? RouterRequestHandler.Exchange(Self.unparsedHead)
            exchange.keepAlive = false
            self.exchange = exchange
            state = .idle
            respond(shared.notHTTP(error, exchange))
        case .forwarding:
            quiescing = true
            exchange?.keepAlive = false
        case .refusing, .closed:
            context.close(promise: nil)
        }
    }

    /// Stands in for the head of a request that could not be parsed.
    private static let unparsedHead = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")

    /// The client went away: a waiting request leaves the queue, a slot goes back, replica
    /// connections close.
    private func abandon() {
        guard !isClosed else { return }
        state = .closed
        abandonForwarding()
        upstreams?.closeAll()
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }
}
