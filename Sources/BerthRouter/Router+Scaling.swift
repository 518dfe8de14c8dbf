import BerthAutoscaling
import BerthCore
import Foundation
import Logging
import NIOCore

extension Router {
    /// Probes per sampling period: routing latency is their mean, so one late probe on a busy
    /// machine does not count as a slow period by itself.
    static let probesPerSample = 5

    /// The self-scaling loop: every `selfScalingSamplePeriod` it measures routing
    /// latency and CPU use, asks `RouterScalingPolicy` and applies its answer by opening a
    /// listener on one more event loop (`addThread`) or closing the last one; each decision is
    /// logged and kept in `load().threads`. Returns when graceful shutdown begins or the task is
    /// cancelled.
    ///
    /// Routing latency is measured as the wait of a probe task on each accepting event loop
    /// (the time a request that just arrived waits before the router can read it): that is the
    /// part of the router's latency more threads remove. CPU use is the process's CPU time.
    func scaleThreads(listeners: RouterListeners, addThread: (Int) async throws -> Void) async {
        var isDevTest = configuration.clusterPurpose == .devTest
        func makePolicy() -> RouterScalingPolicy<ContinuousClock.Instant> {
            RouterScalingPolicy(
                configuration: .init(
                    minThreads: 1, maxThreads: loops.count, latencyThreshold: configuration.selfScalingLatencyThreshold,
                    lowCPU: configuration.selfScalingLowCPU, isDevTest: isDevTest))
        }
        var policy = makePolicy()
        if isDevTest {
            logger.info("Router self-scaling is off on a DevTest cluster", metadata: ["threads": "\(listeners.count)"])
        }
        let clock = ContinuousClock()
        let probeInterval = configuration.selfScalingSamplePeriod / Self.probesPerSample
        var lastCPU = ProcessCPU.now()
        var lastTime = clock.now
        var lagSum = Duration.zero
        var probes = 0
        var ticks = 0
        while !listeners.isStopped {
            do { try await clock.sleep(for: probeInterval) } catch { return }
            if listeners.isStopped { continue }
            ticks += 1
            if ticks % Self.probesPerSample == 0, let source = purposeSource.current,
                let purpose = await source(), (purpose == .devTest) != isDevTest
            {
                isDevTest = purpose == .devTest
                policy = makePolicy()
                (lagSum, probes) = (.zero, 0)
                threads.setSelfScaling(!isDevTest)
                logger.info(
                    "Router self-scaling follows the cluster purpose",
                    metadata: ["purpose": "\(purpose.rawValue)", "threads": "\(listeners.count)"])
            }
            if isDevTest { continue }
            lagSum += await probeLag(threads: listeners.count)
            probes += 1
            guard probes >= Self.probesPerSample else { continue }
            let now = clock.now
            let cpu = ProcessCPU.now()
            let active = max(1, listeners.count)
            let sample = RouterScalingSample(
                threads: active, latency: lagSum / probes,
                cpuPerThread: Self.seconds(cpu - lastCPU) / max(Self.seconds(now - lastTime), 1e-9) / Double(active))
            (lagSum, probes, lastCPU, lastTime) = (.zero, 0, cpu, now)
            guard let decision = policy.decide(sample, now: now) else { continue }
            do {
                for index in active..<max(active, decision.to) { try await addThread(index) }
                for _ in decision.to..<max(decision.to, active) { await listeners.removeLast() }
            } catch {
                logger.warning(
                    "Router could not add an event-loop thread",
                    metadata: ["error": "\(error)", "threads": "\(active)"])
                continue
            }
            threads.record(decision, at: Date())
            logger.info(
                "\(decision)",
                metadata: [
                    "threads.from": "\(decision.from)", "threads.to": "\(decision.to)",
                    "reason": "\(decision.reason.rawValue)",
                ])
        }
    }

    /// Makes the router follow a cluster's purpose as it changes: `source` is asked once per
    /// `selfScalingSamplePeriod` (nil: keep the current behaviour), and DevTest keeps the thread
    /// count fixed while FastProd scales it (`berth server` passes its local cluster's purpose).
    public func followClusterPurpose(_ source: @escaping @Sendable () async -> ClusterPurpose?) {
        purposeSource.set(source)
    }

    /// The longest wait of a probe task on the first `threads` event loops.
    private func probeLag(threads: Int) async -> Duration {
        var longest = Duration.zero
        for loop in loops.prefix(threads) {
            let sent = ContinuousClock.now
            guard let ran = try? await loop.submit({ ContinuousClock.now }).get() else { continue }
            longest = max(longest, ran - sent)
        }
        return longest
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
