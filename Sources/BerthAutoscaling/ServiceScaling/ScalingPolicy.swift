import BerthCore
import Foundation

/// The seed's autoscaling rule for one service, as a pure state machine: fed observations with
/// the time (as often as the caller samples, e.g. 10 per second), it answers the replicas to run
/// and why, changing the count at most once per refresh period (`refreshPeriodInSeconds`).
///
/// Observing more often than once per period, but changing at most once per period, is what lets
/// a load step be acted on within a fraction of a second instead of up to a whole period later,
/// while keeping the seed's pace of one decision per period.
///
/// - Up: when the smoothed load needs more replicas than are asked for (utilization above the
///   target even with every asked-for replica ready), go at once to
///   `ceil(inFlight ÷ (maxConcurrent × target))`. Replicas still starting count as asked for, so
///   a slow start or a crashed replica does not stack up more replicas than the load needs.
/// - Down: only when every need seen over the stabilisation window (60 s) was below the replicas
///   asked for, one replica per refresh; so scale-down never starts before a full window of low
///   load, and a single quiet second after a burst removes nothing.
/// - Always within `[minReplicas, maxReplicas]`; above the current count, also within the
///   cluster's capacity, and a shortfall is reported, not hidden.
public struct ScalingPolicy<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    public let settings: AutoscaleSettings

    private struct Need: Sendable {
        var at: Instant
        var replicas: Int
    }

    /// The bounded need of each refresh within the stabilisation window, oldest first.
    private var needs: [Need] = []
    /// When the policy saw its first observation, or last scaled up: down needs a window since.
    private var windowStart: Instant?
    /// When the count last changed: the next change waits a refresh period.
    private var lastChange: Instant?

    public init(settings: AutoscaleSettings) {
        self.settings = settings
    }

    public mutating func decide(_ observation: ScalingObservation, at now: Instant) -> ScalingDecision {
        var decision = evaluate(observation, at: now)
        guard decision.change != .none else { return decision }
        if let lastChange, now < lastChange.advanced(by: settings.refreshPeriod) {
            let wanted = decision.desiredReplicas
            decision.desiredReplicas = observation.desiredReplicas
            decision.change = .none
            decision.reason +=
                " (held: one change per \(seconds(settings.refreshPeriod)) refresh period; \(wanted) wanted)"
            return decision
        }
        lastChange = now
        return decision
    }

    private mutating func evaluate(_ observation: ScalingObservation, at now: Instant) -> ScalingDecision {
        let current = observation.desiredReplicas
        let inFlight = observation.averageInFlight
        let need = settings.bounded(settings.replicasNeeded(forInFlight: inFlight))
        // In Double: ready × maxConcurrent of two large counts would overflow Int.
        let utilization =
            observation.readyReplicas > 0
            ? inFlight / (Double(observation.readyReplicas) * Double(settings.maxConcurrentRequestsPerContainer)) : nil
        let load = describe(inFlight: inFlight, utilization: utilization, ready: observation.readyReplicas)
        func decision(_ desired: Int, _ reason: String, shortfall: String? = nil) -> ScalingDecision {
            ScalingDecision(
                desiredReplicas: desired, change: desired > current ? .up : desired < current ? .down : .none,
                reason: reason, utilization: utilization, averageInFlight: inFlight, capacityShortfall: shortfall)
        }

        needs.append(Need(at: now, replicas: need))
        let horizon = now.advanced(by: .zero - settings.scaleDownStabilization)
        needs.removeAll { $0.at < horizon }
        if windowStart == nil { windowStart = now }

        // Bounds first: a config change can leave the count outside them.
        if current > settings.maxReplicas {
            return decision(
                settings.maxReplicas,
                "maxReplicas is \(settings.maxReplicas); scaling \(current) → \(settings.maxReplicas).")
        }
        if current < settings.minReplicas {
            let target = capped(settings.minReplicas, current: current, capacity: observation.capacity)
            return decision(
                target.replicas, "minReplicas is \(settings.minReplicas); scaling \(current) → \(target.replicas).",
                shortfall: target.shortfall)
        }

        if need > current {
            let target = capped(need, current: current, capacity: observation.capacity)
            windowStart = now
            guard target.replicas > current else {
                return decision(
                    current, "\(load) needs \(need) replicas, but the cluster has room for no more than \(current).",
                    shortfall: target.shortfall)
            }
            let limited =
                target.replicas < need ? " (the load needs \(need); the cluster has room for \(target.replicas))" : ""
            return decision(
                target.replicas,
                "\(load) is over the \(percent(settings.targetUtilization)) target; scaling \(current) → \(target.replicas)\(limited).",
                shortfall: target.shortfall)
        }

        if need < current, let windowStart, windowStart <= horizon {
            let highest = needs.map(\.replicas).max() ?? need
            if highest < current {
                return decision(
                    current - 1,
                    "The load has needed at most \(highest) replica(s) for \(seconds(settings.scaleDownStabilization)); "
                        + "scaling \(current) → \(current - 1) (\(load)).")
            }
        }
        return decision(current, "\(load); \(current) replica(s) asked for.")
    }

    private func capped(_ wanted: Int, current: Int, capacity: ReplicaCapacity?) -> (replicas: Int, shortfall: String?)
    {
        guard let capacity, wanted > capacity.maxReplicas else { return (wanted, nil) }
        let replicas = max(current, capacity.maxReplicas)
        return (
            replicas,
            "The load needs \(wanted) replicas but only \(capacity.maxReplicas) fit: \(capacity.explanation)"
        )
    }

    private func describe(inFlight: Double, utilization: Double?, ready: Int) -> String {
        let requests = String(format: "%.1f", inFlight)
        guard let utilization else { return "\(requests) requests in flight with no replica ready" }
        return "Utilization \(percent(utilization)) (\(requests) requests in flight on \(ready) ready replica(s))"
    }
}

func percent(_ fraction: Double) -> String {
    let value = (fraction * 100).rounded()
    // A huge load's utilization does not fit an Int: printed as the Double it is rather than trapping.
    guard let whole = Int(exactly: value) else { return "\(value) %" }
    return "\(whole) %"
}

func seconds(_ duration: Duration) -> String {
    let value = duration.secondsValue
    return value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
}
