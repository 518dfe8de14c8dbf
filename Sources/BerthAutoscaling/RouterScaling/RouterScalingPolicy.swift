import BerthCore

/// When a router should run on more or fewer event-loop threads (the seed's
/// azureml-fe behaviour): more when routing latency passes a threshold, fewer when CPU use is
/// low, never on a DevTest cluster.
///
/// A pure value: the router feeds it one `RouterScalingSample` per sampling period with the time,
/// and applies what it answers. Each change is one thread at a time and followed by a cool-down,
/// so one slow period cannot swing the count to the bound and back; both directions need the
/// condition to hold for several samples in a row (`samplesToScaleUp`, `samplesToScaleDown`).
public struct RouterScalingPolicy<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The thresholds and bounds; defaults in one place, next to each field.
    public struct Configuration: Sendable, Hashable {
        /// Fewest event-loop threads. Default 1.
        public var minThreads: Int
        /// Most event-loop threads (the machine's cores in service). Default 2.
        public var maxThreads: Int
        /// Routing latency above which one more thread is added. Default 2 ms.
        public var latencyThreshold: Duration
        /// CPU use per running thread (0…1) below which one thread is removed. Default 0.25.
        public var lowCPU: Double
        /// Samples in a row above `latencyThreshold` before adding a thread. Default 2.
        public var samplesToScaleUp: Int
        /// Samples in a row below `lowCPU` (with latency under half the threshold) before removing one. Default 10.
        public var samplesToScaleDown: Int
        /// Time after a change during which no other change is made. Default 5 s.
        public var coolDown: Duration
        /// DevTest clusters keep their thread count: the policy never answers a change.
        public var isDevTest: Bool

        public init(
            minThreads: Int = 1,
            maxThreads: Int = 2,
            latencyThreshold: Duration = .milliseconds(2),
            lowCPU: Double = 0.25,
            samplesToScaleUp: Int = 2,
            samplesToScaleDown: Int = 10,
            coolDown: Duration = .seconds(5),
            isDevTest: Bool = false
        ) {
            self.minThreads = max(1, minThreads)
            self.maxThreads = max(self.minThreads, maxThreads)
            self.latencyThreshold = latencyThreshold
            self.lowCPU = lowCPU
            self.samplesToScaleUp = max(1, samplesToScaleUp)
            self.samplesToScaleDown = max(1, samplesToScaleDown)
            self.coolDown = coolDown
            self.isDevTest = isDevTest
        }
    }

    public let configuration: Configuration
    private var above = 0
    private var below = 0
    private var lastChange: Instant?

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Takes one sample; returns the change to make, or nil to keep the current count.
    public mutating func decide(_ sample: RouterScalingSample, now: Instant) -> RouterScalingDecision? {
        let threads = sample.threads
        if configuration.isDevTest { return nil }
        if threads < configuration.minThreads || threads > configuration.maxThreads {
            let target = min(max(threads, configuration.minThreads), configuration.maxThreads)
            return changed(from: threads, to: target, reason: .outOfBounds, sample, now)
        }
        if sample.latency > configuration.latencyThreshold { above += 1 } else { above = 0 }
        if sample.cpuPerThread < configuration.lowCPU && sample.latency <= configuration.latencyThreshold / 2 {
            below += 1
        } else {
            below = 0
        }
        if let lastChange, now < lastChange.advanced(by: configuration.coolDown) { return nil }
        if above >= configuration.samplesToScaleUp && threads < configuration.maxThreads {
            return changed(from: threads, to: threads + 1, reason: .latencyAboveThreshold, sample, now)
        }
        if below >= configuration.samplesToScaleDown && threads > configuration.minThreads {
            return changed(from: threads, to: threads - 1, reason: .lowCPU, sample, now)
        }
        return nil
    }

    private mutating func changed(
        from: Int, to: Int, reason: RouterScalingDecision.Reason, _ sample: RouterScalingSample, _ now: Instant
    ) -> RouterScalingDecision {
        above = 0
        below = 0
        lastChange = now
        return RouterScalingDecision(from: from, to: to, reason: reason, sample: sample)
    }
}
