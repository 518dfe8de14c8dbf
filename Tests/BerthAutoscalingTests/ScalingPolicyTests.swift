import BerthAutoscaling
import BerthCore
import BerthTesting
import Testing

private typealias Policy = ScalingPolicy<ManualInstant>

private func policy(
    min: Int = 1, max: Int = 10, target: Double = 0.7, maxConcurrent: Int = 1, window: Duration = .seconds(60)
) -> Policy {
    Policy(
        settings: AutoscaleSettings(
            minReplicas: min, maxReplicas: max, targetUtilization: target,
            maxConcurrentRequestsPerContainer: maxConcurrent, scaleDownStabilization: window))
}

/// Feeds one observation per second from `from` to `to` (inclusive) with the same load, keeping
/// `desired` as the policy moves it, and returns every decision.
private func run(
    _ policy: inout Policy, seconds: ClosedRange<Int>, inFlight: Double, desired: inout Int,
    ready: Int? = nil, capacity: ReplicaCapacity? = nil
) -> [ScalingDecision] {
    var decisions: [ScalingDecision] = []
    for second in seconds {
        let decision = policy.decide(
            ScalingObservation(
                averageInFlight: inFlight, readyReplicas: ready ?? desired, desiredReplicas: desired, capacity: capacity),
            at: .s(Double(second)))
        desired = decision.desiredReplicas
        decisions.append(decision)
    }
    return decisions
}

@Suite struct ScalingPolicyTests {
    @Test func scalesUpAtOnceToTheSeedFormula() {
        var policy = policy()
        let decision = policy.decide(
            ScalingObservation(averageInFlight: 5, readyReplicas: 1, desiredReplicas: 1), at: .s(0))
        // ceil(5 / (1 × 0.7)) = ceil(7.14) = 8
        #expect(decision.desiredReplicas == 8)
        #expect(decision.change == .up)
        #expect(decision.reason.contains("500 %"))
        #expect(decision.reason.contains("1 → 8"))
        #expect(decision.utilization == 5)
    }

    @Test func maxConcurrentAndTargetEnterTheFormula() {
        var policy = policy(target: 0.5, maxConcurrent: 4)
        let decision = policy.decide(
            ScalingObservation(averageInFlight: 9, readyReplicas: 1, desiredReplicas: 1), at: .s(0))
        #expect(decision.desiredReplicas == 5)  // ceil(9 / (4 × 0.5)) = ceil(4.5)
    }

    @Test func atTheTargetNothingChanges() {
        var policy = policy()
        var desired = 2
        // 1.4 in flight on 2 replicas is exactly 70 %: no change either way (within the window).
        let decisions = run(&policy, seconds: 0...30, inFlight: 1.4, desired: &desired)
        #expect(decisions.allSatisfy { $0.change == .none })
        #expect(desired == 2)
    }

    @Test func staysWithinMaxReplicas() {
        var policy = policy(max: 4)
        var desired = 1
        _ = run(&policy, seconds: 0...3, inFlight: 100, desired: &desired)
        #expect(desired == 4)
    }

    @Test func minEqualToMaxNeverMoves() {
        var policy = policy(min: 3, max: 3)
        var desired = 3
        let busy = run(&policy, seconds: 0...10, inFlight: 50, desired: &desired)
        let idle = run(&policy, seconds: 11...200, inFlight: 0, desired: &desired)
        #expect((busy + idle).allSatisfy { $0.desiredReplicas == 3 && $0.change == .none })
    }

    @Test func boundsApplyToACountOutsideThem() {
        var policy = policy(min: 2, max: 5)
        let below = policy.decide(ScalingObservation(averageInFlight: 0, readyReplicas: 1, desiredReplicas: 1), at: .s(0))
        #expect(below.desiredReplicas == 2)
        #expect(below.reason.contains("minReplicas"))
        let above = policy.decide(ScalingObservation(averageInFlight: 0, readyReplicas: 7, desiredReplicas: 7), at: .s(1))
        #expect(above.desiredReplicas == 5)
        #expect(above.reason.contains("maxReplicas"))
    }

    @Test func scaleDownWaitsForAFullWindowOfLowLoadThenStepsOneAtATime() {
        var policy = policy()
        var desired = 1
        _ = run(&policy, seconds: 0...0, inFlight: 5, desired: &desired)
        #expect(desired == 8)
        _ = run(&policy, seconds: 1...20, inFlight: 5, desired: &desired)
        // The load stops at 21 s; nothing may go before 21 + 60 s.
        let quiet = run(&policy, seconds: 21...80, inFlight: 0, desired: &desired)
        #expect(quiet.allSatisfy { $0.change == .none })
        #expect(desired == 8)
        let after = run(&policy, seconds: 81...100, inFlight: 0, desired: &desired)
        let downs = after.filter { $0.change == .down }
        #expect(downs.count == 7)
        #expect(downs.allSatisfy { $0.reason.contains("→") })
        // One step per refresh, never two.
        var previous = 8
        for decision in after {
            #expect(previous - decision.desiredReplicas <= 1)
            previous = decision.desiredReplicas
        }
        #expect(desired == 1)
    }

    @Test func aBriefReturnOfLoadRestartsTheWindow() {
        var policy = policy()
        var desired = 4
        _ = run(&policy, seconds: 0...0, inFlight: 2.5, desired: &desired)  // need 4, at 4
        _ = run(&policy, seconds: 1...50, inFlight: 0, desired: &desired)
        _ = run(&policy, seconds: 51...51, inFlight: 2.5, desired: &desired)  // need 4 again
        let quiet = run(&policy, seconds: 52...110, inFlight: 0, desired: &desired)
        #expect(quiet.allSatisfy { $0.change == .none })
        let later = run(&policy, seconds: 111...112, inFlight: 0, desired: &desired)
        #expect(later.contains { $0.change == .down })
    }

    @Test func scaleDownGoesOnlyAsLowAsTheHighestNeedInTheWindow() {
        var policy = policy()
        var desired = 6
        // 2.1 in flight needs ceil(2.1 / 0.7) = 3 replicas.
        _ = run(&policy, seconds: 0...200, inFlight: 2.1, desired: &desired)
        #expect(desired == 3)
    }

    @Test func aReplicaCrashDuringScaleUpAddsNoExtraReplicas() {
        var policy = policy()
        var desired = 1
        _ = run(&policy, seconds: 0...0, inFlight: 3, desired: &desired, ready: 1)
        #expect(desired == 5)  // ceil(3 / 0.7)
        // Two of the new replicas are still starting and one crashed: ready is 2 of 5.
        let decisions = run(&policy, seconds: 1...10, inFlight: 3, desired: &desired, ready: 2)
        #expect(decisions.allSatisfy { $0.change == .none })
        #expect(desired == 5)
        #expect(decisions.last?.utilization == 1.5)
    }

    @Test func capacityStopsAScaleUpAndSaysSo() {
        var policy = policy()
        var desired = 1
        let capacity = ReplicaCapacity(maxReplicas: 3, explanation: "each replica needs 1 CPU; 3 CPU free")
        let first = run(&policy, seconds: 0...0, inFlight: 5, desired: &desired, capacity: capacity)
        #expect(desired == 3)
        #expect(first[0].change == .up)
        #expect(first[0].capacityShortfall?.contains("needs 8 replicas but only 3 fit") == true)
        #expect(first[0].capacityShortfall?.contains("3 CPU free") == true)
        let next = run(&policy, seconds: 1...1, inFlight: 5, desired: &desired, capacity: capacity)
        #expect(next[0].change == .none)
        #expect(next[0].capacityShortfall != nil)
        #expect(desired == 3)
    }

    @Test func capacityExhaustedKeepsTheCountItHas() {
        var policy = policy()
        var desired = 2
        let none = ReplicaCapacity(maxReplicas: 1, explanation: "no CPU free")
        let decisions = run(&policy, seconds: 0...2, inFlight: 10, desired: &desired, capacity: none)
        #expect(desired == 2)
        #expect(decisions.allSatisfy { $0.change == .none && $0.capacityShortfall != nil })
    }

    @Test func noReadyReplicaReportsNoUtilizationButStillScales() {
        var policy = policy()
        let decision = policy.decide(ScalingObservation(averageInFlight: 2, readyReplicas: 0, desiredReplicas: 1), at: .s(0))
        #expect(decision.utilization == nil)
        #expect(decision.desiredReplicas == 3)
        #expect(decision.reason.contains("no replica ready"))
    }

    @Test func settingsComeFromTheDeploymentConfig() {
        var config = DeploymentConfig()
        config.autoScaler.minReplicas = 2
        config.autoScaler.maxReplicas = 8
        config.autoScaler.targetUtilization = 50
        config.autoScaler.refreshPeriodInSeconds = 3
        config.maxConcurrentRequestsPerContainer = 2
        let settings = AutoscaleSettings(config)
        #expect(settings?.minReplicas == 2)
        #expect(settings?.maxReplicas == 8)
        #expect(settings?.targetUtilization == 0.5)
        #expect(settings?.refreshPeriod == .seconds(3))
        #expect(settings?.maxConcurrentRequestsPerContainer == 2)
        config.numReplicas = 3
        #expect(AutoscaleSettings(config) == nil)
        config.numReplicas = nil
        config.autoScaler.autoscaleEnabled = false
        #expect(AutoscaleSettings(config) == nil)
    }
}

@Suite struct InFlightAverageTests {
    @Test func aShortBurstWeighsByHowLongItLasted() {
        var average = InFlightAverage<ManualInstant>(period: .seconds(1))
        // Samples every 100 ms: 0 in flight, except a burst of 10 for 100 ms.
        for step in 0...10 {
            average.record(step == 5 ? 10 : 0, at: .ms(step * 100))
        }
        let mean = average.mean(at: .ms(1000))
        #expect(abs(mean - 1.0) < 0.01)
        // The seed's formula on the peak would ask for ceil(10 / 0.7) = 15 replicas; on the mean, 2.
        #expect(AutoscaleSettings().replicasNeeded(forInFlight: mean) <= 2)
    }

    @Test func aSustainedStepShowsFullyWithinOnePeriod() {
        var average = InFlightAverage<ManualInstant>(period: .seconds(1))
        for step in 0...20 { average.record(step < 10 ? 0 : 6, at: .ms(step * 100)) }
        #expect(abs(average.mean(at: .ms(2000)) - 6) < 1e-9)
    }

    @Test func forgetsSamplesOlderThanThePeriod() {
        var average = InFlightAverage<ManualInstant>(period: .seconds(1))
        average.record(50, at: .ms(0))
        average.record(2, at: .ms(1500))
        average.record(2, at: .ms(3000))
        #expect(average.mean(at: .ms(3000)) == 2)
        #expect(InFlightAverage<ManualInstant>(period: .seconds(1)).mean(at: .ms(0)) == 0)
    }
}

@Suite struct SizingPlanTests {
    @Test func theSeedsFormula() {
        // 100 rps × 0.2 s = 20 in flight; / 0.7 / 1 = 28.6 → 29
        #expect(SizingPlan(requestsPerSecond: 100, requestSeconds: 0.2).replicas == 29)
        #expect(
            SizingPlan(requestsPerSecond: 100, requestSeconds: 0.2, targetUtilization: 0.7, maxConcurrentRequestsPerContainer: 4)
                .replicas == 8)
        #expect(SizingPlan(requestsPerSecond: 35, requestSeconds: 0.2, targetUtilization: 0.7).replicas == 10)
        #expect(SizingPlan(requestsPerSecond: 0, requestSeconds: 1).replicas == 1)
    }
}

@Suite struct ScalingPaceTests {
    @Test func observedOftenItActsOnAStepAtOnceButChangesAtMostOncePerPeriod() {
        var policy = ScalingPolicy<ManualInstant>(settings: AutoscaleSettings())
        var desired = 2
        var changes: [(Int, ScalingDecision)] = []
        // Ten observations a second; the load steps from 1 to 10 in flight at 5 s.
        for step in 0..<100 {
            let ms = step * 100
            let inFlight = ms < 5000 ? 1.0 : min(10, 1 + 9 * Double(ms - 5000 + 100) / 1000)
            let decision = policy.decide(
                ScalingObservation(averageInFlight: inFlight, readyReplicas: desired, desiredReplicas: desired),
                at: .ms(ms))
            if decision.change != .none { changes.append((ms, decision)) }
            desired = decision.desiredReplicas
        }
        let first = try? #require(changes.first)
        #expect(first?.0 == 5000, "the first sample after the step scales up")
        for (a, b) in zip(changes, changes.dropFirst()) {
            #expect(b.0 - a.0 >= 1000, "changes at least a refresh period apart: \(a.0) ms, \(b.0) ms")
        }
        #expect(desired == 10, "ceil(10 / 0.7) = 15, bounded by maxReplicas 10")
    }
}
