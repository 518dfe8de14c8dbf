/// What the router measured over one sampling period.
public struct RouterScalingSample: Sendable, Hashable {
    /// Event-loop threads taking new connections during the period.
    public var threads: Int
    /// Routing latency: the longest wait of a probe task on any of those threads (the time a
    /// request that just arrived waits before the router can look at it).
    public var latency: Duration
    /// The process's CPU time over the period ÷ (wall time × `threads`), 0…1 (can exceed 1 when
    /// other work of the process ran too).
    public var cpuPerThread: Double

    public init(threads: Int, latency: Duration, cpuPerThread: Double) {
        self.threads = threads
        self.latency = latency
        self.cpuPerThread = cpuPerThread
    }
}

/// A change of the router's thread count and why it was made.
public struct RouterScalingDecision: Sendable, Hashable, CustomStringConvertible {
    /// Why the count changed; `description` is a stable code (safe as a metric label).
    public enum Reason: String, Sendable, Hashable {
        case latencyAboveThreshold = "latency_above_threshold"
        case lowCPU = "low_cpu"
        case outOfBounds = "out_of_bounds"
    }

    public var from: Int
    public var to: Int
    public var reason: Reason
    /// The sample that triggered it.
    public var sample: RouterScalingSample

    public init(from: Int, to: Int, reason: Reason, sample: RouterScalingSample) {
        self.from = from
        self.to = to
        self.reason = reason
        self.sample = sample
    }

    public var description: String {
        let latencyMs =
            Double(sample.latency.components.attoseconds) / 1e15 + Double(sample.latency.components.seconds) * 1000
        let detail: String
        switch reason {
        case .latencyAboveThreshold: detail = "routing latency \(rounded(latencyMs)) ms above the threshold"
        case .lowCPU: detail = "CPU use \(Int((sample.cpuPerThread * 100).rounded())) % per thread below the threshold"
        case .outOfBounds: detail = "thread count outside the configured bounds"
        }
        return "Router threads \(from) → \(to): \(detail) (\(reason.rawValue))."
    }

    private func rounded(_ value: Double) -> String {
        String(Double(Int((value * 100).rounded())) / 100)
    }
}
