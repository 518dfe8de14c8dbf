/// How long a router waits before reconnecting to the feed (or re-listing EndpointSlices) after
/// a failure: doubling from `initial` up to `maximum`, back to `initial` after a success. Pure,
/// so the policy is tested without sleeping.
public struct FeedBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    private var nextDelay: Duration

    public init(initial: Duration = .milliseconds(250), maximum: Duration = .seconds(15)) {
        self.initial = initial
        self.maximum = maximum
        self.nextDelay = initial
    }

    /// The wait before the next attempt, after a failure.
    public mutating func failed() -> Duration {
        let delay = nextDelay
        nextDelay = min(nextDelay * 2, maximum)
        return delay
    }

    /// A connection worked: the next failure waits `initial` again.
    public mutating func succeeded() {
        nextDelay = initial
    }
}
