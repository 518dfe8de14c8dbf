/// A point in test time that moves only when a test moves it, so deadline and window policies
/// (worker restarts, admission queues, autoscaling) are tested without sleeping.
public struct ManualInstant: InstantProtocol, Sendable {
    public var offset: Duration

    public init(offset: Duration) {
        self.offset = offset
    }

    /// The instant `milliseconds` after test time zero.
    public static func ms(_ milliseconds: Int) -> ManualInstant { ManualInstant(offset: .milliseconds(milliseconds)) }
    /// The instant `seconds` after test time zero.
    public static func s(_ seconds: Double) -> ManualInstant {
        ManualInstant(offset: .milliseconds(Int(seconds * 1000)))
    }

    public func advanced(by duration: Duration) -> ManualInstant { ManualInstant(offset: offset + duration) }
    public func duration(to other: ManualInstant) -> Duration { other.offset - offset }
    public static func < (lhs: ManualInstant, rhs: ManualInstant) -> Bool { lhs.offset < rhs.offset }
}
