import BerthAutoscaling
import BerthCore
import BerthTesting
import Testing

/// The router's self-scaling decision with a hand-moved clock.
struct RouterScalingPolicyTests {
    typealias Policy = RouterScalingPolicy<TestInstant>

    private func policy(min: Int = 1, max: Int = 4, devTest: Bool = false) -> Policy {
        Policy(
            configuration: .init(
                minThreads: min, maxThreads: max, latencyThreshold: .milliseconds(2), lowCPU: 0.25,
                samplesToScaleUp: 2, samplesToScaleDown: 3, coolDown: .seconds(5), isDevTest: devTest))
    }

    private func slow(_ threads: Int) -> RouterScalingSample {
        RouterScalingSample(threads: threads, latency: .milliseconds(5), cpuPerThread: 0.9)
    }

    private func idle(_ threads: Int) -> RouterScalingSample {
        RouterScalingSample(threads: threads, latency: .microseconds(50), cpuPerThread: 0.05)
    }

    private func busyButFast(_ threads: Int) -> RouterScalingSample {
        RouterScalingSample(threads: threads, latency: .microseconds(200), cpuPerThread: 0.8)
    }

    @Test func latencyAboveTheThresholdAddsOneThreadAfterTwoSamples() throws {
        var policy = policy()
        #expect(policy.decide(slow(1), now: .ms(0)) == nil)
        let answer = policy.decide(slow(1), now: .ms(1000))
        let decision = try #require(answer)
        #expect(decision.from == 1 && decision.to == 2)
        #expect(decision.reason == .latencyAboveThreshold)
        #expect(decision.description.contains("routing latency 5.0 ms above the threshold"))
    }

    @Test func aSingleSlowSampleIsABurstNotAReason() {
        var policy = policy()
        for second in 0..<10 {
            let sample = second.isMultiple(of: 2) ? slow(1) : busyButFast(1)
            #expect(policy.decide(sample, now: .ms(second * 1000)) == nil)
        }
    }

    @Test func coolDownSpacesChanges() {
        var policy = policy()
        _ = policy.decide(slow(1), now: .ms(0))
        let first = policy.decide(slow(1), now: .ms(1000))
        #expect(first?.to == 2)
        #expect(policy.decide(slow(2), now: .ms(2000)) == nil)
        #expect(policy.decide(slow(2), now: .ms(5999)) == nil)
        let second = policy.decide(slow(2), now: .ms(6000))
        #expect(second?.to == 3)
    }

    @Test func neverAboveMax() {
        var policy = policy(max: 2)
        for second in 0..<20 { #expect(policy.decide(slow(2), now: .ms(second * 1000)) == nil) }
    }

    @Test func lowCPURemovesOneThreadButNotBelowMin() throws {
        var policy = policy(min: 2)
        #expect(policy.decide(idle(3), now: .ms(0)) == nil)
        #expect(policy.decide(idle(3), now: .ms(1000)) == nil)
        let answer = policy.decide(idle(3), now: .ms(2000))
        let decision = try #require(answer)
        #expect(decision.to == 2 && decision.reason == .lowCPU)
        for second in 3..<30 { #expect(policy.decide(idle(2), now: .ms(second * 1000)) == nil) }
    }

    @Test func busyThreadsAreNotRemoved() {
        var policy = policy()
        for second in 0..<20 { #expect(policy.decide(busyButFast(3), now: .ms(second * 1000)) == nil) }
    }

    @Test func devTestClustersNeverChange() {
        var policy = policy(devTest: true)
        for second in 0..<20 {
            #expect(policy.decide(slow(1), now: .ms(second * 1000)) == nil)
            #expect(policy.decide(idle(3), now: .ms(second * 1000 + 500)) == nil)
        }
    }

    @Test func minEqualToMaxNeverChanges() {
        var policy = policy(min: 2, max: 2)
        for second in 0..<20 {
            #expect(policy.decide(second < 10 ? slow(2) : idle(2), now: .ms(second * 1000)) == nil)
        }
    }

    @Test func aCountOutsideTheBoundsIsBroughtBack() throws {
        var policy = policy(min: 2, max: 3)
        let answer = policy.decide(busyButFast(1), now: .ms(0))
        let decision = try #require(answer)
        #expect(decision.to == 2 && decision.reason == .outOfBounds)
    }
}
