import NIOCore
import NIOHTTP1

/// Receives one replica response from an `UpstreamHandler`, part by part as it is read, on the
/// event loop both connections share: the client connection relays each part as it comes.
protocol UpstreamResponseSink: AnyObject {
    /// The response head (1xx heads are skipped).
    func upstreamHead(_ head: ResponseHead)
    func upstreamBody(_ part: ByteBuffer)
    /// The response ended; the connection is idle again (or closing, without keep-alive).
    func upstreamEnd()
    /// A read from the replica finished: a good moment to flush what was relayed.
    func upstreamReadComplete()
    /// The request failed; `receivedAny` says whether a byte of the response had arrived.
    func upstreamFailed(_ failure: ReplicaProxy.Failure, receivedAny: Bool)
    /// Whether the client can take more body now; false holds reads from the replica (back-pressure).
    var canTakeBody: Bool { get }
}

/// The router's end of one keep-alive connection to a replica: sends one request at a time and
/// hands the response to the request's `UpstreamResponseSink` as it arrives, without buffering;
/// it stops reading from the socket while the sink's client cannot take more (back-pressure).
/// It speaks HTTP/1.1 on the socket's bytes itself (`RequestEncoding`, `ResponseFramer`): NIO's
/// HTTP client codec cost more CPU per request than the rest of the router's work.
///
/// Lives on the connection's event loop and is only touched there, so it needs no lock.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        /// No request, or the last one ended cleanly: the connection may be reused.
        case idle
        case awaitingHead
        case streaming
        /// The connection is unusable.
        case failed
    }

    private var state = State.idle
    /// Frames the replica's bytes into responses (NIO's HTTP codec is not in this pipeline).
    private var framer = ResponseFramer()
    /// The buffer each request is written into, reused from request to request.
    private var outbound = ReusableBuffer()
    private var context: ChannelHandlerContext?
    /// Who receives the current response; nil when idle or detached.
    private var sink: (any UpstreamResponseSink)?
    private var readHeld = false
    /// When the current request times out; nil between requests.
    private var deadline: NIODeadline?
    /// The connection's one timer, and when it fires. It is re-armed only when a request's deadline
    /// is earlier, or when it fires before the current deadline, so a keep-alive connection
    /// schedules about one task per scoring timeout instead of one per request (an allocation and
    /// a heap insert and removal each, 2.5 % of the router's time under load).
    private var timer: Scheduled<Void>?
    private var timerFiresAt: NIODeadline?
    /// Whether the last response allows another request on this connection.
    private var keepAlive = true
    /// Whether a byte of the current response arrived (a silent close of a reused connection is retryable).
    private var receivedAny = false

    /// Whether a new request may be sent now.
    var isReusable: Bool {
        guard case .idle = state, keepAlive, let context else { return false }
        return context.channel.isActive
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Requests

    /// Writes `request` (with `host` as its `Host`) and reports the response to `sink`; the
    /// request fails with `.timeout` at `deadline` (head or body not done by then).
    ///
    /// - Returns: false when the connection cannot take a request (nothing was sent, `sink` is not called).
    func send(
        _ request: ReplicaProxy.Forwarded, host: String, deadline: NIODeadline, sink: any UpstreamResponseSink
    ) -> Bool {
        guard let context, case .idle = state, keepAlive, context.channel.isActive else { return false }
        state = .awaitingHead
        self.sink = sink
        receivedAny = false
        if readHeld {
            readHeld = false
            context.read()
        }
        self.deadline = deadline
        if timerFiresAt.map({ $0 > deadline }) ?? true { arm(at: deadline, context: context) }
        var bytes = outbound.take(allocator: context.channel.allocator)
        RequestEncoding.encode(request, host: host, into: &bytes)
        context.writeAndFlush(wrapOutboundOut(bytes), promise: nil)
        outbound.keep(bytes)
        return true
    }

    /// Stops reporting to the sink and closes the connection (the client went away, or the rest
    /// of the response is not wanted).
    func abandon() {
        sink = nil
        keepAlive = false
        cancelTimer()
        state = .failed
        context?.close(promise: nil)
    }

    /// Reads again after the sink's client drained (see `UpstreamResponseSink.canTakeBody`).
    func resumeReading() {
        guard readHeld, let context else { return }
        readHeld = false
        context.read()
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data))
        receivedAny = true
        do {
            while let event = try framer.next() {
                handle(event, context: context)
                if case .failed = state { return }
            }
        } catch {
            fail(.broken, cause: error)
        }
    }

    private func handle(_ event: ResponseFramer.Event, context: ChannelHandlerContext) {
        switch event {
        case .head(let head):
            guard case .awaitingHead = state else { return fail(.broken, cause: UnexpectedResponse()) }
            self.keepAlive = head.keepAlive
            state = .streaming
            sink?.upstreamHead(head)
        case .body(let part):
            guard case .streaming = state else { return }
            sink?.upstreamBody(part)
        case .end:
            guard case .streaming = state else { return }
            state = .idle
            deadline = nil  // The timer stays armed for the next request; it finds none if it fires.
            let sink = self.sink
            self.sink = nil
            if !keepAlive { context.close(promise: nil) }
            sink?.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        sink?.upstreamReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if let sink, !sink.canTakeBody {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive = false
        // A response without a length ends with the connection.
        if case .streaming = state, let end = framer.connectionClosed() { handle(end, context: context) }
        fail(.broken, cause: ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.broken, cause: error)
    }

    // MARK: Helpers

    /// Ends the current request with `kind` (if one is running) and closes the connection.
    private func fail(_ kind: ReplicaProxy.Failure.Kind, cause: any Error) {
        keepAlive = false
        cancelTimer()
        let sink = self.sink
        self.sink = nil
        switch state {
        case .awaitingHead, .streaming:
            state = .failed
            sink?.upstreamFailed(ReplicaProxy.Failure(kind: kind, cause: cause), receivedAny: receivedAny)
        case .idle:
            state = .failed
        case .failed:
            break
        }
        context?.close(promise: nil)
    }
}

// MARK: The deadline timer

extension UpstreamHandler {
    private func arm(at instant: NIODeadline, context: ChannelHandlerContext) {
        timer?.cancel()
        timerFiresAt = instant
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: instant) { bound.value.timerFired() }
    }

    /// Fails the current request if its deadline passed, else waits for that deadline.
    private func timerFired() {
        timer = nil
        timerFiresAt = nil
        guard let deadline, let context else { return }
        if deadline <= .now() {
            fail(.timeout, cause: HTTPDeadlineError())
        } else {
            arm(at: deadline, context: context)
        }
    }

    private func cancelTimer() {
        deadline = nil
        timer?.cancel()
        timer = nil
        timerFiresAt = nil
    }
}

/// The scoring deadline passed before the replica finished answering.
struct HTTPDeadlineError: Error, CustomStringConvertible {
    var description: String { "The scoring deadline passed." }
}

/// The replica sent a response nobody asked for.
struct UnexpectedResponse: Error, CustomStringConvertible {
    var description: String { "The replica sent a response without a request." }
}
