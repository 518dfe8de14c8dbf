/// The liveness rule of `livenessProbeRequirements`, as Azure documents it: a replica is restarted
/// after `failureThreshold` failed probes in a row, and once probes failed it counts as live again
/// only after `successThreshold` passed probes in a row.
///
/// So with `successThreshold` above 1, a replica that answers only now and then (a worker that
/// keeps wedging) is still restarted: a lone success between failures does not clear them.
/// Pure, so the local backend's probe loop and the tests share it.
public struct LivenessStreak: Sendable, Hashable {
    /// Failed probes since the replica last counted as live.
    public private(set) var failures = 0
    /// Passed probes in a row since the last failure, while failures are pending.
    public private(set) var successes = 0

    /// What one probe result means for the replica.
    public enum Verdict: Sendable, Hashable {
        /// Live: no failure pending.
        case live
        /// Failures are pending, not yet `failureThreshold` of them, or passes are not yet
        /// `successThreshold` in a row.
        case suspect
        /// `failureThreshold` failures without recovering: restart it.
        case restart
    }

    public init() {}

    /// Records one probe (`passed` or not) under `probe`'s thresholds.
    public mutating func record(
        passed: Bool, _ probe: DeploymentConfig.LivenessProbeRequirements
    ) -> Verdict {
        if passed {
            guard failures > 0 else { return .live }
            successes += 1
            guard successes >= max(1, probe.successThreshold) else { return .suspect }
            self = LivenessStreak()
            return .live
        }
        successes = 0
        failures += 1
        return failures >= max(1, probe.failureThreshold) ? .restart : .suspect
    }
}
