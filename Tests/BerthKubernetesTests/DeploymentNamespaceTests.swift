import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// The deployment config's `namespace`, `cpuLimit` and `gpuCores` reach the cluster: the objects
/// land in that namespace (made, as Berth's, when missing), the limits in the replica container.
@Suite(.validatesSentObjects)
struct DeploymentNamespaceTests {
    static func backend(_ client: KubernetesClient) -> KubernetesBackend {
        KubernetesBackend(client: client) { spec in
            var workload = ManifestSamples.workload(gpu: 0)
            workload.spec = spec
            workload.namespace = spec.namespace ?? client.connection.namespace
            return workload
        }
    }

    @Test(
        "The config's namespace, cpuLimit and gpuCores reach the workload; detach removes the namespace Berth made",
        .timeLimit(.minutes(1)))
    func namespaceAndLimits() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client(namespace: "default")
            let backend = Self.backend(client)
            var spec = ManifestSamples.spec(replicas: 2)
            spec.namespace = "team-a"
            spec.cpuLimit = 2
            spec.gpu = 1
            try await backend.apply(spec)

            let namespace = try #require(double.object(kind: "Namespace", namespace: nil, name: "team-a"))
            #expect(namespace["metadata"]?["labels"]?[ManifestLabels.managedBy] == "berth")
            #expect(namespace["metadata"]?["labels"]?[ManifestLabels.compute] == "aks1")
            let deployment = try #require(
                double.object(kind: "Deployment", namespace: "team-a", name: "berth-diabetes"))
            let container = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
            #expect(container?["resources"]?["limits"]?["cpu"] == "2000m")
            #expect(container?["resources"]?["limits"]?["nvidia.com/gpu"] == "1")
            #expect(container?["resources"]?["requests"]?["nvidia.com/gpu"] == "1")
            for kind in ["Service", "Secret"] {
                #expect(double.object(kind: kind, namespace: "team-a", name: "berth-diabetes") != nil, "\(kind)")
            }
            #expect(double.object(kind: "ServiceAccount", namespace: "team-a", name: "berth-replica") != nil)
            #expect(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes") == nil)

            // A backend that never applied it (a restarted control plane) finds it by its labels.
            let restarted = Self.backend(client)
            #expect(await restarted.status(ofDeployment: "diabetes")?.desiredReplicas == 2)
            try await restarted.scale(deploymentNamed: "diabetes", to: 3)
            #expect(
                double.object(kind: "Deployment", namespace: "team-a", name: "berth-diabetes")?["spec"]?["replicas"]
                    == 3)

            // A config without a namespace moves it back to the attachment's.
            spec.namespace = nil
            spec.revision = "rev-2"
            try await restarted.apply(spec)
            #expect(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes") != nil)
            #expect(double.object(kind: "Deployment", namespace: "team-a", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "Secret", namespace: "team-a", name: "berth-diabetes") == nil)

            spec.namespace = "team-a"
            spec.revision = "rev-3"
            try await restarted.apply(spec)
            let attachment = ClusterAttachment(client: client)
            #expect(try await attachment.deployedServices(computeName: "aks1", namespace: "default") == ["diabetes"])
            try await attachment.detach(computeName: "aks1", namespace: "default", force: true)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "team-a") == nil)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "default") != nil)
            #expect(double.objects(kind: "Deployment").isEmpty)
        }
    }

    @Test(
        "A namespace that existed stays the user's: Berth does not relabel it, and detach leaves it",
        .timeLimit(.minutes(1)))
    func existingNamespaceIsLeftAlone() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client(namespace: "default")
            try await client.create(RouterManifests.namespace("team-b", compute: "user").withoutLabels())
            var spec = ManifestSamples.spec(replicas: 1)
            spec.namespace = "team-b"
            try await Self.backend(client).apply(spec)
            #expect(double.object(kind: "Deployment", namespace: "team-b", name: "berth-diabetes") != nil)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "team-b")?["metadata"]?["labels"] == nil)
            try await ClusterAttachment(client: client).detach(computeName: "aks1", namespace: "default", force: true)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "team-b") != nil)
            #expect(double.object(kind: "Deployment", namespace: "team-b", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "ServiceAccount", namespace: "team-b", name: "berth-replica") == nil)
        }
    }
}
