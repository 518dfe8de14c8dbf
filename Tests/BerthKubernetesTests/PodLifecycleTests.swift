import BerthCore
import BerthKubernetes
import Testing

/// The replica container's crash-loop and drain settings (`PodLifecycle`); the validator checks
/// them against the API types in `ManifestValidationTests`.
struct PodLifecycleTests {
    let deployment = ReplicaManifests.deployment(ManifestSamples.workload())
    var pod: JSONValue { deployment["spec"]?["template"]?["spec"] ?? .null }
    var replica: JSONValue { pod["containers"]?.arrayValue?.first ?? .null }

    @Test("A replica whose workers keep failing exits, and its log's end becomes the termination message")
    func crashLoopVisible() {
        let command = replica["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let index = command.firstIndex(of: "--exit-after-worker-failures")
        #expect(index.map { command[$0 + 1] } == "3", "\(command)")
        #expect(replica["terminationMessagePolicy"] == "FallbackToLogsOnError")
    }

    @Test("A deleted replica sleeps in preStop, then has the scoring timeout and a margin before SIGKILL")
    func drains() {
        #expect(replica["lifecycle"]?["preStop"]?["sleep"]?["seconds"] == 5)
        // ManifestSamples: scoringTimeoutMs 30000 → 5 + 30 + 10.
        #expect(pod["terminationGracePeriodSeconds"] == 45)
    }
}
