/// How long to wait before starting a process again after the previous one failed: a replica's
/// Python worker (`BerthReplica`) or a whole replica (the local backend).
///
/// Exponential with a cap, as AHC's connection back-off: a worker whose `init()` fails or that
/// crashes again and again is retried ever more slowly instead of spinning the CPU on Python
/// start-ups, yet a single crash is repaired almost at once.
public struct RestartBackoff: Sendable, Hashable {
    /// The delay after the first failure.
    public var initial: Duration
    /// The longest delay, however many failures in a row.
    public var maximum: Duration
    /// The growth factor per failure in a row.
    public var multiplier: Double

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(30), multiplier: Double = 2) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
    }

    /// The delay before the next start after `failures` failures in a row (1 = the first).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 64) {
            delay = delay * multiplier
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }
}
