import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// The backend's object management against the API double. (The double does not run Pods yet,
/// so readiness through the router is not covered here; see docs/kubernetes.md.)
@Suite(.validatesSentObjects)
struct KubernetesBackendTests {
    static func backend(_ double: RunningKubernetesAPIDouble) throws -> KubernetesBackend {
        let client = try double.client(namespace: "default")
        return KubernetesBackend(client: client) { spec in
            var workload = ManifestSamples.workload()
            workload.spec = spec
            workload.namespace = "default"
            return workload
        }
    }

    @Test(
        "apply creates the objects; a new replica count only scales; a new revision replaces", .timeLimit(.minutes(1)))
    func applyScaleReplace() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let backend = try Self.backend(double)
            var spec = ManifestSamples.spec(replicas: 2)
            try await backend.apply(spec)
            let created = try #require(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes"))
            #expect(created["spec"]?["replicas"] == 2)
            #expect(double.object(kind: "Service", namespace: "default", name: "berth-diabetes") != nil)
            #expect(double.object(kind: "Secret", namespace: "default", name: "berth-diabetes") != nil)
            #expect(double.object(kind: "ServiceAccount", namespace: "default", name: "berth-replica") != nil)
            #expect(double.object(kind: "NetworkPolicy", namespace: "default", name: "berth-diabetes") != nil)
            for kind in ["Service", "Secret", "NetworkPolicy"] {
                let owners = double.object(kind: kind, namespace: "default", name: "berth-diabetes")?["metadata"]?[
                    "ownerReferences"]
                #expect(
                    owners?.arrayValue?.first?["uid"] == created["metadata"]?["uid"],
                    "\(kind) is owned by the Deployment")
                #expect(owners?.arrayValue?.first?["kind"] == "Deployment")
            }

            spec.replicas = 4
            try await backend.apply(spec)
            let scaled = try #require(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes"))
            #expect(scaled["spec"]?["replicas"] == 4)
            #expect(scaled["spec"]?["template"] == created["spec"]?["template"])

            spec.revision = "rev-2"
            try await backend.apply(spec)
            let replaced = try #require(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes"))
            #expect(replaced["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision] == "rev-2")
            #expect(replaced["metadata"]?["uid"] == created["metadata"]?["uid"])

            let status = try #require(await backend.status(ofDeployment: "diabetes"))
            #expect(status.desiredReplicas == 4)
            #expect(await backend.status(ofDeployment: "unknown") == nil)

            await backend.remove(deploymentNamed: "diabetes")
            #expect(double.object(kind: "Deployment", namespace: "default", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "Secret", namespace: "default", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "NetworkPolicy", namespace: "default", name: "berth-diabetes") == nil)
        }
    }

    @Test(
        "Deleting the Deployment by hand removes its Service, Secret and NetworkPolicy (owner references)",
        .timeLimit(.minutes(1)))
    func ownerReferencesCascade() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let backend = try Self.backend(double)
            try await backend.apply(ManifestSamples.spec(replicas: 1))
            try await backend.client.delete(.deployments, namespace: "default", name: "berth-diabetes")
            #expect(double.object(kind: "Service", namespace: "default", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "Secret", namespace: "default", name: "berth-diabetes") == nil)
            #expect(double.object(kind: "NetworkPolicy", namespace: "default", name: "berth-diabetes") == nil)
            #expect(
                double.object(kind: "ServiceAccount", namespace: "default", name: "berth-replica") != nil,
                "shared, not owned")
        }
    }

    @Test(
        "Replicas that do not fit the nodes' CPU are reported unschedulable with the scheduler's message",
        .timeLimit(.minutes(1)))
    func unschedulable() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "1")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let backend = try Self.backend(double)
            try await backend.apply(ManifestSamples.spec(replicas: 5))
            let found = try await PodRunnerTests.waitFor {
                await backend.status(ofDeployment: "diabetes")?.unschedulable != nil
            }
            #expect(found)
            let status = try #require(await backend.status(ofDeployment: "diabetes"))
            #expect(status.replicas.count == 5)
            #expect(
                status.unschedulable?.hasSuffix("cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.")
                    == true, "\(status)")
        }
    }
}
