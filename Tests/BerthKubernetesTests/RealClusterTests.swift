import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import Foundation
import Testing

/// The same attach → apply → scale → detach journey against a real cluster, when
/// `BERTH_TEST_KUBECONFIG` names a kubeconfig (`BERTH_TEST_CONTEXT` optionally picks the context).
/// This is the test that proves the backend; the double only proves Berth speaks the protocol.
///
/// It creates `berth-system` and a `berth-test-<random>` namespace and removes both at the end.
struct RealClusterTests {
    static let kubeconfig = ProcessInfo.processInfo.environment["BERTH_TEST_KUBECONFIG"]

    @Test(
        "Attach, apply, scale and detach on a real cluster",
        .enabled(if: RealClusterTests.kubeconfig != nil, "set BERTH_TEST_KUBECONFIG"),
        .timeLimit(.minutes(5)))
    func journey() async throws {
        let namespace = "berth-test-\(UUID().uuidString.prefix(6).lowercased())"
        let connection = try Kubeconfig.load(
            path: Self.kubeconfig ?? "", context: ProcessInfo.processInfo.environment["BERTH_TEST_CONTEXT"],
            namespace: namespace)
        let client = try KubernetesClient(connection: connection)
        let attachment = ClusterAttachment(client: client)
        var installation = ManifestSamples.installation(purpose: .devTest)
        installation.deploymentNamespace = namespace
        installation.workspaceID = "berth-test"
        _ = try await attachment.attach(installation)
        do {
            let backend = KubernetesBackend(client: client) { spec in
                var workload = ManifestSamples.workload(gpu: 0)
                workload.spec = spec
                workload.namespace = namespace
                return workload
            }
            var spec = ManifestSamples.spec(replicas: 1)
            try await backend.apply(spec)
            spec.replicas = 2
            try await backend.apply(spec)
            let deployment = try await client.get(.deployments, namespace: namespace, name: "berth-diabetes")
            #expect(deployment["spec"]?["replicas"] == 2)
        } catch {
            try await attachment.detach(computeName: installation.computeName, namespace: namespace, force: true)
            throw error
        }
        try await attachment.detach(computeName: installation.computeName, namespace: namespace, force: true)
    }
}
