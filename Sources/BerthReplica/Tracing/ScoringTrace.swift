import Synchronization
import Tracing

/// When one traced scoring request reached each step on its way through the replica: arrival,
/// dispatch to a worker (the end of its queue wait), the worker's reply, and `run()` as the worker
/// timed it. The spans are made from these once the answer is known (`ReplicaSpans`).
///
/// Instants, not open spans, travel with the job: the pool's state machine and the worker's
/// reader only stamp a time (one uncontended lock), and a replica that does not trace has no
/// `ScoringTrace` at all (`ScoringJob.trace` is nil).
final class ScoringTrace: Sendable {
    /// The steps' instants, in nanoseconds since the epoch (`DefaultTracerClock`'s wall clock).
    struct Steps {
        var dispatchedAt: UInt64?
        var repliedAt: UInt64?
        /// `run()`'s start and duration as the worker reported them.
        var run: (start: UInt64, nanoseconds: UInt64, failed: Bool)?
        /// Why the replica answered itself instead of a worker, if it did.
        var failure: ScoringFailure?
    }

    /// When the request (head and body) was read.
    let arrivedAt: DefaultTracerClock.Timestamp
    private let steps = Mutex(Steps())

    init(arrivedAt: DefaultTracerClock.Timestamp = DefaultTracerClock.now) {
        self.arrivedAt = arrivedAt
    }

    /// A worker takes the request now: its queue wait ends, its round trip starts.
    func dispatched() {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        steps.withLock { $0.dispatchedAt = now }
    }

    /// The worker answered now with `reply`.
    func replied(_ reply: WorkerReply) {
        let now = DefaultTracerClock.now.nanosecondsSinceEpoch
        var run: (UInt64, UInt64, Bool)?
        if let start = reply.runStartedAtMicroseconds, start > 0 {
            run = (UInt64(start) * 1000, UInt64(max(0, reply.execMs) * 1_000_000), reply.runFailed)
        }
        steps.withLock { steps in
            steps.repliedAt = now
            steps.run = run
        }
    }

    /// The replica answers the request itself (429, 503, 504, a worker that died).
    func failed(_ failure: ScoringFailure) {
        steps.withLock { $0.failure = failure }
    }

    /// The steps so far.
    var recorded: Steps { steps.withLock { $0 } }
}
