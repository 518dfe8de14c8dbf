import BerthMetrics
import NIOCore

/// The monotonic clock of the router's hot path (admission, per-version latency): the same time
/// as `ContinuousClock`, but its `Instant` is this module's own struct of nanoseconds.
///
/// `ContinuousClock.Instant` is a resilient standard-library type, so every value that holds one
/// (a replica's state in admission, a request's exchange) has a layout unknown at compile time,
/// and is copied, compared and tested through runtime value witnesses: a few percent of the
/// router's time under load (docs/benchmarks.md). This one is plain data.
struct RouterClock: Clock {
    struct Instant: InstantProtocol {
        /// Nanoseconds since an arbitrary point (the system's uptime).
        var nanoseconds: Int64

        func advanced(by duration: Duration) -> Instant {
            let step = duration.saturatingNanoseconds
            let (sum, overflow) = nanoseconds.addingReportingOverflow(step)
            return Instant(nanoseconds: overflow ? (step < 0 ? .min : .max) : sum)
        }

        func duration(to other: Instant) -> Duration {
            .nanoseconds(other.nanoseconds &- nanoseconds)
        }

        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    }

    static var now: Instant { Instant(nanoseconds: Int64(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds)) }

    var now: Instant { Self.now }

    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let remaining = Self.now.duration(to: deadline)
        if remaining > .zero { try await ContinuousClock().sleep(for: remaining, tolerance: tolerance) }
    }
}
