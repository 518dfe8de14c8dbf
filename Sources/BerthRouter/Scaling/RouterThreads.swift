import BerthAutoscaling
import Foundation
import Synchronization

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

/// The live thread report, written by the scaling loop once per sample and read by `load()`.
final class RouterThreadsRecord: Sendable {
    private let state: Mutex<RouterThreadsLoad>

    init(max: Int, isSelfScaling: Bool) {
        state = Mutex(RouterThreadsLoad(active: 0, max: max, isSelfScaling: isSelfScaling))
    }

    var current: RouterThreadsLoad { state.withLock { $0 } }

    func setSelfScaling(_ isSelfScaling: Bool) {
        state.withLock { $0.isSelfScaling = isSelfScaling }
    }

    func setActive(_ active: Int) {
        state.withLock { $0.active = active }
    }

    func record(_ decision: RouterScalingDecision, at date: Date) {
        state.withLock {
            $0.active = decision.to
            $0.decisions.append(RouterScalingEvent(at: date, decision: decision))
            if $0.decisions.count > RouterThreadsLoad.decisionsKept { $0.decisions.removeFirst() }
        }
    }
}
