import NIOCore
import NIOHTTP1

/// The router's end of one keep-alive connection to a replica: sends one request at a time and
/// hands the response over as a head (a promise) and body parts the caller pulls, buffering at
/// most `highWaterBytes` before it stops reading from the socket (back-pressure).
///
/// Lives on the connection's event loop and is only touched there, so it needs no lock.
final class UpstreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    /// Stop reading from the replica while this much body waits for the client.
    static let highWaterBytes = 256 * 1024

    private enum State {
        /// No request, or the last one ended cleanly: the connection may be reused.
        case idle
        case awaitingHead(EventLoopPromise<HTTPResponseHead>)
        case streaming
        /// The connection is unusable; the reason is thrown to whoever asks next.
        case failed(ReplicaProxy.Failure.Kind)
    }

    private var state = State.idle
    private var context: ChannelHandlerContext?
    private var parts = CircularBuffer<ByteBuffer>(initialCapacity: 4)
    private var bufferedBytes = 0
    private var bodyEnded = false
    private var bodyWaiter: EventLoopPromise<ByteBuffer?>?
    private var readHeld = false
    private var deadlineTask: Scheduled<Void>?
    /// Whether the last response allows another request on this connection.
    private var keepAlive = true
    /// Whether a byte of the current response arrived (a silent close of a reused connection is retryable).
    private(set) var receivedAny = false

    /// Whether a new request may be sent now.
    var isReusable: Bool {
        guard case .idle = state, keepAlive, let context else { return false }
        return context.channel.isActive
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    // MARK: Requests

    /// Writes `head` and `body` and completes `promise` with the response head; the request fails
    /// with `.timeout` at `deadline` (head or body not done by then).
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, deadline: NIODeadline, promise: EventLoopPromise<HTTPResponseHead>) {
        guard let context, case .idle = state, keepAlive, context.channel.isActive else {
            promise.fail(ReplicaProxy.Failure(kind: .stale, cause: ChannelError.ioOnClosedChannel))
            return
        }
        state = .awaitingHead(promise)
        parts.removeAll(keepingCapacity: true)
        bufferedBytes = 0
        bodyEnded = false
        receivedAny = false
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        deadlineTask = context.eventLoop.scheduleTask(deadline: deadline) {
            bound.value.fail(.timeout, cause: HTTPDeadlineError())
        }
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// The next body part already received, without waiting: `.part`, `.end`, or `.none` when
    /// the caller must wait with `nextPart(promise:)`.
    func takeBuffered() -> BufferedPart {
        if let part = parts.popFirst() {
            bufferedBytes -= part.readableBytes
            resumeReadingIfDrained()
            return .part(part)
        }
        if bodyEnded { return .end }
        if case .failed(let kind) = state { return .failed(kind) }
        return .none
    }

    enum BufferedPart {
        case part(ByteBuffer)
        case end
        case failed(ReplicaProxy.Failure.Kind)
        case none
    }

    /// Completes `promise` with the next body part, or nil at the end of the body.
    func nextPart(promise: EventLoopPromise<ByteBuffer?>) {
        switch takeBuffered() {
        case .part(let part): promise.succeed(part)
        case .end: promise.succeed(nil)
        case .failed(let kind): promise.fail(ReplicaProxy.Failure(kind: kind, cause: ChannelError.ioOnClosedChannel))
        case .none: bodyWaiter = promise
        }
    }

    // MARK: Channel events

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        receivedAny = true
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard case .awaitingHead(let promise) = state else { return fail(.broken, cause: UnexpectedResponse()) }
            if head.status.code < 200 { return }  // 1xx: the real head follows.
            keepAlive = head.isKeepAlive
            state = .streaming
            promise.succeed(head)
        case .body(let part):
            guard case .streaming = state else { return }
            if let waiter = bodyWaiter {
                bodyWaiter = nil
                waiter.succeed(part)
            } else {
                bufferedBytes += part.readableBytes
                parts.append(part)
            }
        case .end:
            guard case .streaming = state else { return }
            bodyEnded = true
            state = .idle
            deadlineTask?.cancel()
            deadlineTask = nil
            if !keepAlive { context.close(promise: nil) }
            if let waiter = bodyWaiter {
                bodyWaiter = nil
                waiter.succeed(nil)
            }
        }
    }

    func read(context: ChannelHandlerContext) {
        if bufferedBytes >= Self.highWaterBytes {
            readHeld = true
        } else {
            context.read()
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        keepAlive = false
        fail(.broken, cause: ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.broken, cause: error)
    }

    // MARK: Helpers

    private func resumeReadingIfDrained() {
        guard readHeld, bufferedBytes < Self.highWaterBytes / 2, let context else { return }
        readHeld = false
        context.read()
    }

    /// Ends the current request with `kind` (if one is running) and closes the connection.
    private func fail(_ kind: ReplicaProxy.Failure.Kind, cause: any Error) {
        keepAlive = false
        deadlineTask?.cancel()
        deadlineTask = nil
        switch state {
        case .awaitingHead(let promise):
            state = .failed(kind)
            promise.fail(ReplicaProxy.Failure(kind: kind, cause: cause))
        case .streaming:
            state = .failed(kind)
            if let waiter = bodyWaiter {
                bodyWaiter = nil
                waiter.fail(ReplicaProxy.Failure(kind: kind, cause: cause))
            }
        case .idle, .failed:
            break
        }
        context?.close(promise: nil)
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
