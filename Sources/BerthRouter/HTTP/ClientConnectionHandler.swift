import BerthCore
import BerthMetrics
import Logging
import NIOCore
import NIOHTTP1
import NIOTLS
import Tracing

/// Serves one client connection as a plain NIO channel handler on the connection's event loop:
/// reads requests from the socket's bytes (`RequestFramer`), collects each request's body (bounded), answers what the router answers itself, and forwards
/// scoring and swagger requests through admission to a replica over this connection's own
/// keep-alive connections (`ClientConnectionHandler+Forwarding.swift`), relaying the replica's
/// response part by part as it is read.
///
/// No task, async sequence or executor hop per request or connection: every step runs in the
/// event loop's own callbacks, and everything it owns (state, `UpstreamConnections`) is touched
/// only there, so it takes no lock; the shared state it reads (`Admission`, `RolloutTables`)
/// is one lock or an immutable snapshot away.
///
/// Pipelined requests (bytes that arrive while a response is still being made) stay unread in the
/// framer until that response ended, and reading pauses only while some are held. NIO's
/// `HTTPServerPipelineHandler` did this before, but it paused reading during *every* response,
/// which costs two `epoll_ctl` system calls per request (a third of the router's system calls under
/// load), so the pipeline has only this handler (`Router.bind`), and graceful shutdown
/// (`ChannelShouldQuiesceEvent`) is honoured here too.
final class ClientConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        /// Between requests.
        case idle
        /// A request head arrived and passed the checks that need no body (route, key or token:
        /// its plan is in `planned`); its body is being collected (nil until a part arrives).
        case receiving(body: ByteBuffer?)
        /// A refusal went out before the body was read; the rest of the body is read and dropped,
        /// up to `limit` bytes, then the connection closes.
        case refusing(drained: Int, limit: Int)
        /// The request is with admission or a replica (`forwarding` says where).
        case forwarding
        /// The client connection closed.
        case closed
    }

    /// Body bytes read and dropped after a 413 before the connection closes anyway.
    static let drainLimitBytes = 8 * 1024 * 1024
    /// Body bytes read and dropped after a refusal from the head alone (401, 404, …): a declared
    /// body up to this size is dropped and the connection kept; a larger or chunked one is
    /// dropped up to this size, then the connection closes.
    static let refusedBodyDrainBytes = 64 * 1024

    let shared: RouterRequestHandler
    var state = State.idle
    var context: ChannelHandlerContext?
    var upstreams: UpstreamConnections?
    /// The headers every response of the current request carries; nil between requests.
    var exchange: RouterRequestHandler.Exchange?
    /// The forwarded request in progress, if any.
    var forwarding: Forwarding?
    /// Where the request whose body is being read goes, decided from its head. Kept beside the
    /// state, not in it: the state is rewritten per body part, and a plan holds a whole route.
    private var planned: RouterRequestHandler.ForwardPlan?
    /// The route table as this connection last read it (refreshed when a newer one is applied).
    private var routes = RouteCache()
    /// Frames requests from the bytes read; bytes of requests pipelined behind the current one stay in it.
    private(set) var framer = RequestFramer()
    /// A read was asked for while bytes were held; it is passed on once they are handled.
    private var readPending = false
    /// Graceful shutdown asked this connection to close after its current response.
    private var quiescing = false
    /// Held bytes are being handled; a response that ends meanwhile leaves the next to this loop.
    private var isFraming = false
    /// A request could not be read: what the client sends until the connection closes is dropped.
    var isUnreadable = false
    /// The relayed response's body goes to the client chunked (the replica gave no length).
    var chunkedToClient = false
    /// The relayed response's bytes not written yet: its head and the small body parts read with
    /// it, which go out as one write when the read ends (a write through the pipeline costs more
    /// than copying a few hundred bytes).
    var unwritten: ByteBuffer?
    /// The buffer relayed responses are written into, reused from response to response.
    var outbound = ReusableBuffer()
    /// Body bytes of the current request taken from the router's `BodyBudget`.
    var heldBodyBytes = 0
    /// What the timeout tick reads (`ClientConnectionHandler+Timeouts.swift`).
    var timing = Timing()
    /// Whether the client's TLS handshake completed on this connection (services on a compute
    /// target with TLS answer only then).
    private var overTLS = false

    /// The metrics shard this connection counts in: its event loop's index, so the loops never
    /// write the same cache line (`MetricsRegistry.init(shards:)`).
    let shard: Int
    /// The current request's service's metric handles (`Exchange.meters`, moved here), until its
    /// response ends; nil when it is not counted.
    var requestMeters: ServiceMeters?
    /// The counters of the replica the current request was last given to.
    var replicaMeters: ReplicaMeters?
    /// The replica counters last looked up, with their service's meters and the replica's id: a
    /// keep-alive connection often goes to the same replica again.
    var lastReplica: (service: ServiceMeters, id: String, meters: ReplicaMeters?)?
    /// The current request's span (`ClientConnectionHandler+Tracing.swift`); nil when the router
    /// does not trace, or between requests.
    var span: (any Span)?

    init(shared: RouterRequestHandler, shard: Int = 0) {
        self.shared = shared
        self.shard = shard
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        upstreams = shared.proxy.connections(on: context.eventLoop)
        startTimeoutTicks(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        abandon()
        self.context = nil
    }

    // MARK: Requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isUnreadable else { return }
        timing.activity &+= 1
        framer.append(unwrapInboundIn(data))
        handleFramed(context: context)
    }

    /// Whether a request is with admission or a replica, so the next one has to wait its turn.
    private var isAnswering: Bool {
        if case .forwarding = state { return true }
        return false
    }

    private func handle(_ part: RequestFramer.Event, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            guard case .idle = state else { return }
            timing.requestsStarted &+= 1
            var exchange = RouterRequestHandler.Exchange(head)
            exchange.overTLS = overTLS
            if shared.metrics != nil { exchange.startedAt = RouterClock.now }
            if let tracer = shared.tracer { startSpan(tracer, head, overTLS: overTLS) }
            if let length = head.contentLength, length > shared.maxBodyBytes {
                requestMeters = shared.meters(for: head.path, routes: &routes)
                self.exchange = exchange
                return refuseTooLarge()
            }
            self.exchange = exchange
            let decision = shared.decide(head, exchange: &exchange, routes: &routes)
            requestMeters = exchange.meters.take()
            self.exchange = exchange
            switch decision {
            case .respond(let response):
                refuseBeforeBody(head, with: response)
            case .forward(var plan):
                if span != nil { traceForwarded(&plan, head) }
                planned = plan
                state = .receiving(body: nil)
                if head.expectsContinue && head.hasBody {
                    context.writeAndFlush(wrapOutboundOut(ResponseEncoding.continueHead), promise: nil)
                }
            }
        case .body(var chunk):
            switch state {
            case .receiving(var body):
                guard (body?.readableBytes ?? 0) + chunk.readableBytes <= shared.maxBodyBytes else {
                    return refuseTooLarge()
                }
                guard shared.bodyBudget.reserve(chunk.readableBytes) else {
                    return refuseOverBudget()
                }
                heldBodyBytes += chunk.readableBytes
                state = .idle  // Lets go of the state's reference, so `body` grows in place.
                if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
                state = .receiving(body: body)
            case .refusing(let drained, let limit):
                let total = drained + chunk.readableBytes
                if total > limit { return context.close(promise: nil) }
                state = .refusing(drained: total, limit: limit)
            case .idle, .forwarding, .closed:
                // `.idle`: the small body of a request refused from its head, dropped.
                break
            }
        case .end:
            switch state {
            case .receiving(let body):
                state = .forwarding
                guard var plan = planned.take() else { return }
                plan.attach(body)
                forward(plan)
            case .refusing:
                context.close(promise: nil)
            case .idle, .forwarding, .closed:
                break
            }
        }
    }

    /// Answers a request the router refuses from its head (no such service, a missing or wrong key
    /// or token) before reading its body, so an unauthenticated client cannot make the router
    /// hold or read a large body: a client that waits for `100 Continue` gets the refusal
    /// instead and the connection closes; a declared body up to `refusedBodyDrainBytes` is dropped
    /// as it arrives and the connection stays open; a larger or chunked one is dropped up to that
    /// size, then the connection closes.
    private func refuseBeforeBody(_ head: RequestHead, with response: RouterResponse) {
        guard head.hasBody else { return respond(response) }
        if head.expectsContinue {
            exchange?.keepAlive = false
        } else if let length = head.contentLength, length <= Self.refusedBodyDrainBytes {
            // Dropped while idle: `.body` and `.end` of this request are ignored there.
        } else {
            exchange?.keepAlive = false
            state = .refusing(drained: 0, limit: Self.refusedBodyDrainBytes)
        }
        respond(response)
    }

    /// Writes 413 and reads (and drops) what the client still sends, up to a bound, so the client
    /// reads the answer instead of a connection reset; then the connection closes.
    private func refuseTooLarge() {
        guard let exchange else { return }
        refuseMidBody(shared.tooLarge(exchange), draining: Self.drainLimitBytes)
    }

    /// Writes 503 when the bodies all connections hold would pass `maxBufferedBodyBytes`, drops a
    /// little of what follows, then closes.
    private func refuseOverBudget() {
        guard let exchange else { return }
        refuseMidBody(shared.bodiesOverBudget(exchange), draining: Self.refusedBodyDrainBytes)
    }

    /// Gives the body read so far back, answers `response` and drops up to `limit` more body
    /// bytes before the connection closes.
    private func refuseMidBody(_ response: RouterResponse, draining limit: Int) {
        releaseBody()
        exchange?.keepAlive = false
        state = .refusing(drained: 0, limit: limit)
        respond(response)
    }

    /// Gives the current request's body bytes back to the router's `BodyBudget` and forgets where
    /// it was to go (it was refused, or it is on its way).
    func releaseBody() {
        planned = nil
        guard heldBodyBytes > 0 else { return }
        shared.bodyBudget.release(heldBodyBytes)
        heldBodyBytes = 0
    }

    // MARK: Responses

    /// Writes a complete response of the router's own, with the exchange's headers, and ends the request.
    func respond(_ response: RouterResponse) {
        guard let context, let exchange else { return }
        if let reason = response.reason { requestMeters?.error(reason, shard: shard) }
        countAnswer(response.status)
        context.write(
            wrapOutboundOut(shared.encode(response, exchange, allocator: context.channel.allocator)), promise: nil)
        endResponse()
    }

    /// Ends the current response (one flush for all its parts); then takes the next request, or
    /// closes the connection once written when the exchange does not keep it alive.
    func endResponse() {
        guard let context, let exchange else { return }
        if span != nil { endSpan() }
        self.exchange = nil
        requestMeters = nil
        replicaMeters = nil
        releaseBody()
        timing.activity &+= 1
        var last = unwritten
        unwritten = nil
        if chunkedToClient {
            var lastChunk = ResponseEncoding.lastChunk
            if last == nil { last = lastChunk } else { last!.writeBuffer(&lastChunk) }
            chunkedToClient = false
        }
        if case .refusing = state {
            // The body is still being dropped; its end closes.
            context.writeAndFlush(wrapOutboundOut(last ?? context.channel.allocator.buffer(capacity: 0)), promise: nil)
        } else if exchange.keepAlive && !quiescing {
            state = .idle
            if let last {
                context.writeAndFlush(wrapOutboundOut(last), promise: nil)
                outbound.keep(last)
            } else {
                context.flush()
            }
            handleFramed(context: context)
        } else {
            state = .idle
            let channel = context.channel
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(last ?? channel.allocator.buffer(capacity: 0)), promise: written)
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Counts and times the current request's answer, whose head goes out now with `status`.
    func countAnswer(_ status: HTTPResponseStatus) {
        if span != nil { traceAnswer(status) }
        guard let meters = requestMeters, let startedAt = exchange?.startedAt else { return }
        (replicaMeters ?? meters.noReplica).answered(Int(status.code), shard: shard)
        meters.total.record(startedAt.duration(to: RouterClock.now), shard: shard)
    }

    // MARK: Requests in bytes

    /// Handles what the bytes read hold, in order, until a request starts a response that is not
    /// done at once (the bytes after it wait: pipelining); a request that cannot be read is answered
    /// 4xx and closes the connection.
    private func handleFramed(context: ChannelHandlerContext) {
        guard !isFraming, !isUnreadable else { return }
        isFraming = true
        defer { isFraming = false }
        do {
            while !isAnswering, !isClosed, let event = try framer.next() {
                handle(event, context: context)
            }
        } catch let error as FramingError {
            return unreadable(error, context: context)
        } catch {
            return context.close(promise: nil)
        }
        if readPending && !isHoldingRequests {
            readPending = false
            context.read()
        }
    }

    /// Whether bytes of later requests wait while one is answered.
    private var isHoldingRequests: Bool { isAnswering && framer.hasUnreadBytes }

    /// Reading pauses while request bytes are held, so a client that pipelines cannot make the
    /// router buffer without bound; otherwise reads go on during a response (no system call per request).
    func read(context: ChannelHandlerContext) {
        if isHoldingRequests {
            readPending = true
        } else {
            context.read()
        }
    }

    // MARK: Connection events

    /// Graceful shutdown: an idle connection closes now, a busy one after its current response,
    /// which says `Connection: close` when its head is still to be written.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { overTLS = true }
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

    /// Bytes that are not an HTTP/1.1 request get the router's JSON 4xx, after which the connection
    /// closes; while the body of a refused (413) request is being dropped it just closes.
    private func unreadable(_ error: FramingError, context: ChannelHandlerContext) {
        shared.logger.debug("Unreadable request", metadata: ["error": "\(error)"])
        isUnreadable = true
        framer = RequestFramer()
        if readPending {
            readPending = false
            context.read()  // To see the client's close; what it sends is dropped.
        }
        switch state {
        case .idle, .receiving:
            var exchange = self.exchange ?? RouterRequestHandler.Exchange()
            exchange.keepAlive = false
            self.exchange = exchange
            state = .idle
            respond(shared.notHTTP(error, exchange))
        case .forwarding, .refusing, .closed:
            // Not `.forwarding`: no request is read while one is answered (`handleFramed`).
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shared.logger.debug("Client connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// The client went away: a waiting request leaves the queue, a slot goes back, replica
    /// connections close.
    private func abandon() {
        guard !isClosed else { return }
        state = .closed
        if span != nil { endSpan(abandoned: true) }
        releaseBody()
        stopTimeoutTicks()
        abandonForwarding()
        upstreams?.closeAll()
    }

    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }
}
