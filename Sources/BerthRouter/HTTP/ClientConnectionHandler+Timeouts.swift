import NIOCore
import NIOHTTP1

extension ClientConnectionHandler {
    /// What the connection's timeout tick compares from one tick to the next: counters the
    /// request path only increments, so it reads no clock.
    struct Timing {
        /// Reads from the client and responses ended; unchanged between two ticks means quiet.
        var activity: UInt32 = 0
        var activityAtLastTick: UInt32 = 0
        /// Request heads read; a change means the head being read is a new one.
        var requestsStarted: UInt32 = 0
        var requestsStartedAtLastTick: UInt32 = 0
        /// Ticks in a row without activity.
        var quietTicks = 0
        /// Ticks in a row with the same request head still incomplete.
        var partialHeadTicks = 0
        var ticker: RepeatedTask?
    }

    /// Starts the connection's tick, which closes it when a head takes longer than
    /// `requestHeadTimeout` or the client stays quiet longer than `clientIdleTimeout`.
    func startTimeoutTicks(context: ChannelHandlerContext) {
        let timeouts = shared.timeouts
        let tick = TimeAmount(timeouts.tick)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timing.ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { _ in
            handler.value.checkTimeouts()
        }
    }

    func stopTimeoutTicks() {
        timing.ticker?.cancel()
        timing.ticker = nil
    }

    /// One tick: counts quiet ticks and ticks spent on one incomplete head, and acts when a
    /// timeout passed. A request with a replica is timed by its service's `scoringTimeoutMs` instead.
    private func checkTimeouts() {
        let timeouts = shared.timeouts
        let quiet = timing.activity == timing.activityAtLastTick
        let sameRequest = timing.requestsStarted == timing.requestsStartedAtLastTick
        timing.activityAtLastTick = timing.activity
        timing.requestsStartedAtLastTick = timing.requestsStarted
        timing.quietTicks = quiet ? timing.quietTicks + 1 : 0
        switch state {
        case .idle where framer.hasUnreadBytes && !isUnreadable:
            timing.partialHeadTicks = sameRequest ? timing.partialHeadTicks + 1 : 1
            if timeouts.hasPassed(timeouts.head, after: timing.partialHeadTicks) {
                timedOut(
                    "The request head did not arrive whole within the router's head timeout "
                        + "(\(timeouts.head)); send the request line and headers at once.")
            }
        case .idle:
            timing.partialHeadTicks = 0
            // Before its first request a connection has the head timeout: a client that connects
            // and sends nothing, or stalls a TLS handshake (whose bytes never reach this handler),
            // holds no slot for long.
            let limit = timing.requestsStarted == 0 ? timeouts.head : timeouts.idle
            if timeouts.hasPassed(limit, after: timing.quietTicks) { context?.close(promise: nil) }
        case .receiving:
            timing.partialHeadTicks = 0
            if timeouts.hasPassed(timeouts.idle, after: timing.quietTicks) {
                timedOut(
                    "No part of the request body arrived within the router's idle timeout (\(timeouts.idle)); "
                        + "send the body without pauses.")
            }
        case .refusing:
            timing.partialHeadTicks = 0
            if timeouts.hasPassed(timeouts.idle, after: timing.quietTicks) { context?.close(promise: nil) }
        case .forwarding:
            timing.partialHeadTicks = 0
            timing.quietTicks = 0
        case .closed:
            stopTimeoutTicks()
        }
    }

    /// 408 with the house error body, then the connection closes; what the client sends after is dropped.
    private func timedOut(_ message: String) {
        var exchange = self.exchange ?? RouterRequestHandler.Exchange()
        exchange.keepAlive = false
        self.exchange = exchange
        releaseBody()
        isUnreadable = true
        state = .idle
        respond(.error(.requestTimeout, code: "request_timeout", message: message, requestID: exchange.requestID))
    }
}
