import Foundation

/// The router's event-loop threads as its load report shows them: how many take new connections,
/// the bound, and the latest self-scaling decisions with their reasons.
public struct RouterThreadsLoad: Sendable, Hashable {
    /// Threads taking new connections now.
    public var active: Int
    /// The most the router may use (the machine's cores).
    public var max: Int
    /// Whether the router scales itself (false on DevTest clusters).
    public var isSelfScaling: Bool
    /// The latest decisions, oldest first (at most `RouterThreadsLoad.decisionsKept`).
    public var decisions: [RouterScalingEvent]

    /// Decisions kept for the report.
    public static let decisionsKept = 16

    public init(active: Int = 0, max: Int = 0, isSelfScaling: Bool = false, decisions: [RouterScalingEvent] = []) {
        self.active = active
        self.max = max
        self.isSelfScaling = isSelfScaling
        self.decisions = decisions
    }
}

/// One self-scaling decision and when it was applied.
public struct RouterScalingEvent: Sendable, Hashable {
    public var at: Date
    public var decision: RouterScalingDecision

    public init(at: Date, decision: RouterScalingDecision) {
        self.at = at
        self.decision = decision
    }
}
