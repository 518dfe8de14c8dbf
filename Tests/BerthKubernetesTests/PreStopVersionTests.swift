import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// The `sleep` preStop action exists from Kubernetes 1.30 (on by default); an older API server
/// drops the field and refuses a preStop with no handler, so replicas there `exec` `sleep`.
@Suite(.validatesSentObjects)
struct PreStopVersionTests {
    static func backend(_ client: KubernetesClient) -> KubernetesBackend {
        KubernetesBackend(client: client) { spec in
            var workload = ManifestSamples.workload(gpu: 0)
            workload.spec = spec
            workload.namespace = "default"
            return workload
        }
    }

    static func preStop(_ double: RunningKubernetesAPIDouble) -> JSONValue? {
        let deployment = double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes")
        let container = deployment?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        return container?["lifecycle"]?["preStop"]
    }

    @Test(
        "On a 1.28 server the preStop execs sleep; the double refuses the sleep action there", .timeLimit(.minutes(1)))
    func oldServer() async throws {
        try await KubernetesAPIDouble.withRunning(.init(serverVersion: "v1.28.5-eks-5e0fdde")) { double in
            let client = try double.client(namespace: "default")
            #expect(try await client.version()["minor"] == "28")
            try await Self.backend(client).apply(ManifestSamples.spec(replicas: 1))
            #expect(Self.preStop(double) == ["exec": ["command": ["sleep", "5"]]])
            // The same Deployment with the sleep action, as Berth made it before it asked /version.
            var workload = ManifestSamples.workload(gpu: 0)
            workload.namespace = "default"
            let withSleep = try #require(ReplicaManifests.all(workload).first { $0["kind"] == "Deployment" })
            let error = await #expect(throws: KubernetesError.self) { try await client.create(withSleep) }
            #expect(error?.code == .invalid)
            #expect(error?.message.contains("must specify a handler type") == true, "\(error?.message ?? "")")
        }
    }

    @Test("On a 1.30+ server the preStop is the sleep action", .timeLimit(.minutes(1)))
    func newServer() async throws {
        try await KubernetesAPIDouble.withRunning(.init(serverVersion: "v1.31.0-berth-double")) { double in
            try await Self.backend(try double.client(namespace: "default")).apply(ManifestSamples.spec(replicas: 1))
            #expect(Self.preStop(double) == ["sleep": ["seconds": 5]])
        }
    }
}
