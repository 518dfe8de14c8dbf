/// A CPU limit in cores (`containerResourceRequirements.cpuLimit`) as the kernel's CFS bandwidth
/// control takes it: a quota of CPU time per period, which is how a container runtime enforces a
/// Kubernetes CPU limit. A local replica gets the same numbers a Pod with that limit would.
///
/// The period is the kernel's default, 100 ms. The quota is the limit's share of it, at least 1 ms
/// (the kernel refuses less), so `cpuLimit` 0.5 is 50 ms per 100 ms and 2 is 200 ms per 100 ms
/// (two cores' worth, spread over any cores).
public struct CPUQuota: Sendable, Hashable {
    /// The limit as given, in cores.
    public var cores: Double
    /// CPU time the group may use per period, in microseconds.
    public var quotaMicroseconds: Int
    /// The length of a period, in microseconds.
    public var periodMicroseconds: Int

    /// The default CFS period (100 ms), as the kernel and Kubernetes use it.
    public static let defaultPeriodMicroseconds = 100_000
    /// The smallest quota the kernel accepts (1 ms).
    public static let minimumQuotaMicroseconds = 1_000

    /// The quota for `cores` cores per `periodMicroseconds`; nil when `cores` is not a positive
    /// finite number (no limit).
    public init?(cores: Double, periodMicroseconds: Int = CPUQuota.defaultPeriodMicroseconds) {
        guard cores > 0, cores.isFinite, periodMicroseconds > 0 else { return nil }
        let quota = (cores * Double(periodMicroseconds)).rounded()
        guard quota < Double(Int.max) else { return nil }
        self.cores = cores
        self.periodMicroseconds = periodMicroseconds
        self.quotaMicroseconds = max(Self.minimumQuotaMicroseconds, Int(quota))
    }

    /// The text cgroup v2's `cpu.max` takes: `"$QUOTA $PERIOD"`, e.g. `"50000 100000"`.
    public var cpuMax: String { "\(quotaMicroseconds) \(periodMicroseconds)" }

    /// cgroup v1's `cpu.cfs_quota_us` value.
    public var cfsQuota: String { String(quotaMicroseconds) }

    /// cgroup v1's `cpu.cfs_period_us` value.
    public var cfsPeriod: String { String(periodMicroseconds) }

    /// The limit as a user wrote it, e.g. `0.5` or `2`.
    public var coresDescription: String {
        cores == cores.rounded() && abs(cores) < 1e15 ? String(Int(cores)) : String(cores)
    }
}
