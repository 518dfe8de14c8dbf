import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// The double keeps ReplicaSets between a Deployment and its Pods, as Kubernetes does: the owner
/// chain Deployment → ReplicaSet → Pod, one ReplicaSet per template, the old one scaled to 0 by
/// a rolling update, and all of it gone with the Deployment.
@Suite(.validatesSentObjects)
struct ReplicaSetTests {
    static func owner(_ object: JSONValue?) -> (kind: String?, name: String?) {
        let reference = object?["metadata"]?["ownerReferences"]?.arrayValue?.first
        return (reference?["kind"]?.stringValue, reference?["name"]?.stringValue)
    }

    @Test("Deployment → ReplicaSet → Pod, a new ReplicaSet per template, cascading delete", .timeLimit(.minutes(1)))
    func ownerChain() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let backend = try KubernetesBackendTests.backend(double)
            try await backend.apply(ManifestSamples.spec(replicas: 2))
            func sets() -> [JSONValue] {
                double.objects(kind: "ReplicaSet").filter { Self.owner($0).name == "berth-diabetes" }
            }
            func pods() -> [JSONValue] {
                double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "diabetes" }
            }
            #expect(try await PodRunnerTests.waitFor { pods().count == 2 && sets().first?["status"]?["replicas"] == 2 })
            let first = try #require(sets().first)
            let firstName = try #require(first["metadata"]?["name"]?.stringValue)
            #expect(Self.owner(first).kind == "Deployment")
            #expect(first["spec"]?["replicas"] == 2)
            let hash = try #require(first["metadata"]?["labels"]?["pod-template-hash"]?.stringValue)
            #expect(firstName == "berth-diabetes-\(hash)")
            #expect(first["spec"]?["selector"]?["matchLabels"]?["pod-template-hash"]?.stringValue == hash)
            for pod in pods() {
                #expect(Self.owner(pod).kind == "ReplicaSet" && Self.owner(pod).name == firstName, "\(pod)")
            }

            // A new revision: a second ReplicaSet takes the Pods; the first stays, scaled to 0
            // (the double's Pods never get ready without a runtime, so the old ones go at once).
            var next = ManifestSamples.spec(replicas: 2)
            next.revision = "r2"
            try await backend.apply(next)
            #expect(
                try await PodRunnerTests.waitFor {
                    sets().count == 2
                        && sets().first { $0["metadata"]?["name"]?.stringValue == firstName }?["spec"]?["replicas"] == 0
                })
            let second = try #require(sets().first { $0["metadata"]?["name"]?.stringValue != firstName })
            #expect(second["metadata"]?["annotations"]?["deployment.kubernetes.io/revision"] == "2")

            try await backend.client.delete(.deployments, namespace: "default", name: "berth-diabetes")
            #expect(sets().isEmpty)
            #expect(pods().isEmpty)
        }
    }
}
