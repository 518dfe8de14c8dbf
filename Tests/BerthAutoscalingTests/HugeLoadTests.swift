import BerthAutoscaling
import BerthCore
import BerthTesting
import Testing

/// Loads far beyond any real router's, as a broken or hostile report could claim: from the
/// summed demand through the smoothing to the decision, nothing traps or turns negative; the
/// service goes to `maxReplicas` and the reason still reads.
@Suite struct HugeLoadTests {
    private static func policy(max: Int = 10, maxConcurrent: Int = 1) -> ScalingPolicy<ManualInstant> {
        ScalingPolicy(
            settings: AutoscaleSettings(
                minReplicas: 1, maxReplicas: max, targetUtilization: 0.7,
                maxConcurrentRequestsPerContainer: maxConcurrent))
    }

    @Test(
        "A load beyond any replica count scales to maxReplicas",
        arguments: [Double(Int.max), Double(Int.max) * 4, 1e300, .greatestFiniteMagnitude, .infinity])
    func hugeInFlightScalesToMaxReplicas(inFlight: Double) {
        var policy = Self.policy()
        let decision = policy.decide(
            ScalingObservation(averageInFlight: inFlight, readyReplicas: 3, desiredReplicas: 3), at: .s(0))
        #expect(decision.desiredReplicas == 10)
        #expect(decision.change == .up)
        #expect(decision.reason.contains("3 → 10"), "\(decision.reason)")
        #expect(decision.reason.contains("%"), "\(decision.reason)")
    }

    @Test("Ready replicas × maxConcurrentRequestsPerContainer beyond Int gives a tiny utilization, not a trap")
    func utilizationOfHugeCapacity() throws {
        var policy = Self.policy(max: .max, maxConcurrent: 1 << 40)
        let decision = policy.decide(
            ScalingObservation(averageInFlight: 1_000_000, readyReplicas: 1 << 40, desiredReplicas: 1 << 40), at: .s(0))
        let utilization = try #require(decision.utilization)
        #expect(utilization > 0 && utilization < 1e-15)
        #expect(decision.change == .none)
        #expect(decision.reason.contains("0 %"), "\(decision.reason)")
    }

    @Test("The seed formula holds at Int's bounds: ceil(inFlight ÷ (maxConcurrent × target)) is at most Int.max")
    func replicasNeededSaturates() {
        let settings = AutoscaleSettings(targetUtilization: 0.7)
        #expect(settings.replicasNeeded(forInFlight: Double(Int.max)) == .max)
        #expect(settings.replicasNeeded(forInFlight: .infinity) == .max)
        #expect(settings.replicasNeeded(forInFlight: .nan) == 0)
        #expect(settings.replicasNeeded(forInFlight: -.infinity) == 0)
        #expect(settings.replicasNeeded(forInFlight: 7) == 10)
        #expect(
            AutoscaleSettings(maxConcurrentRequestsPerContainer: .max).replicasNeeded(forInFlight: Double(Int.max)) == 2
        )
        #expect(Int(saturatingCeilingOf: 0x1p63) == .max)
        #expect(Int(saturatingCeilingOf: 0x1p63 - 1024) == Int(0x1p63 - 1024))
        #expect(Int(saturatingCeilingOf: 0.2) == 1)
    }

    @Test("Int.max in flight, summed over routers and smoothed, still decides maxReplicas")
    func fromDemandToDecision() {
        let demand = ServiceDemand(inFlight: .max, queued: .max) + ServiceDemand(inFlight: .max, queued: 1)
        var average = InFlightAverage<ManualInstant>(period: .seconds(1))
        for step in 0...10 { average.record(demand.total, at: .ms(step * 100)) }
        let mean = average.mean(at: .ms(1000))
        #expect(mean.isFinite && mean > 9e18)
        var policy = Self.policy(max: 4)
        let decision = policy.decide(
            ScalingObservation(averageInFlight: mean, readyReplicas: 1, desiredReplicas: 1), at: .s(1))
        #expect(decision.desiredReplicas == 4)
    }

    @Test("The sizing plan of an absurd load is Int.max replicas, not a trap")
    func sizingPlanSaturates() {
        #expect(SizingPlan(requestsPerSecond: 1e300, requestSeconds: 1e300).replicas == .max)
        #expect(SizingPlan(requestsPerSecond: 1e10, requestSeconds: 1e10).replicas == .max)
        #expect(SizingPlan(requestsPerSecond: .nan, requestSeconds: 1).replicas == 1)
    }
}
