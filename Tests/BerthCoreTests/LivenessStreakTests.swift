import BerthCore
import Testing

/// `livenessProbeRequirements.failureThreshold` and `successThreshold` as the local probe loop
/// applies them.
struct LivenessStreakTests {
    static func probe(failure: Int, success: Int) -> DeploymentConfig.LivenessProbeRequirements {
        var probe = DeploymentConfig.LivenessProbeRequirements()
        probe.failureThreshold = failure
        probe.successThreshold = success
        return probe
    }

    /// The verdicts for a run of probe results.
    static func verdicts(_ results: [Bool], _ probe: DeploymentConfig.LivenessProbeRequirements)
        -> [LivenessStreak.Verdict]
    {
        var streak = LivenessStreak()
        return results.map { streak.record(passed: $0, probe) }
    }

    @Test func passingProbesStayLive() {
        #expect(Self.verdicts([true, true, true], Self.probe(failure: 3, success: 1)) == [.live, .live, .live])
    }

    @Test func failureThresholdFailuresInARowRestart() {
        #expect(
            Self.verdicts([false, false, false], Self.probe(failure: 3, success: 1)) == [.suspect, .suspect, .restart])
    }

    @Test func withSuccessThresholdOneALoneSuccessClearsTheFailures() {
        #expect(
            Self.verdicts([false, false, true, false, false], Self.probe(failure: 3, success: 1))
                == [.suspect, .suspect, .live, .suspect, .suspect])
    }

    @Test func withSuccessThresholdTwoALoneSuccessDoesNotClearThem() {
        // A replica that answers only now and then is restarted all the same.
        #expect(
            Self.verdicts([false, false, true, false], Self.probe(failure: 3, success: 2))
                == [.suspect, .suspect, .suspect, .restart])
    }

    @Test func successThresholdPassesInARowRecover() {
        let probe = Self.probe(failure: 3, success: 2)
        #expect(
            Self.verdicts([false, false, true, true, false, false], probe)
                == [.suspect, .suspect, .suspect, .live, .suspect, .suspect])
        var streak = LivenessStreak()
        _ = streak.record(passed: false, probe)
        _ = streak.record(passed: true, probe)
        #expect(streak.failures == 1 && streak.successes == 1)
        _ = streak.record(passed: true, probe)
        #expect(streak == LivenessStreak())
    }

    @Test func aFailureBetweenSuccessesStartsTheCountAgain() {
        #expect(
            Self.verdicts([false, true, false, true, true], Self.probe(failure: 5, success: 2))
                == [.suspect, .suspect, .suspect, .suspect, .live])
    }
}
