/// How long a client connection may take to send a request head, and stay quiet, before the
/// router closes it (`Router.Configuration.requestHeadTimeout`, `.clientIdleTimeout`): a client
/// that opens connections and trickles bytes (slow-loris) or leaves them open holds no connection
/// slot for long.
///
/// Checked by a coarse per-connection tick instead of a clock read or a timer per request, so the
/// request path pays nothing: each tick a connection looks at whether it made progress since the
/// last one (`ClientConnectionHandler+Timeouts.swift`); a timeout therefore fires within one
/// tick after it passed.
struct ConnectionTimeouts: Sendable {
    /// From the first byte of a request head to its end; also from a new connection (its TLS
    /// handshake included) to its first request.
    var head: Duration
    /// Without a byte from the client: between requests, and while a body is being read.
    var idle: Duration

    /// How often connections check: a quarter of the shorter timeout, between 10 ms and 1 s.
    var tick: Duration {
        let quarter = min(head, idle) / 4
        return min(max(quarter, .milliseconds(10)), .seconds(1))
    }

    /// Whether `ticks` quiet ticks reach `timeout`.
    func hasPassed(_ timeout: Duration, after ticks: Int) -> Bool {
        tick * ticks >= timeout
    }
}
