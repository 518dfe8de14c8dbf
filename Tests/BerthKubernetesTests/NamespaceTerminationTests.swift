import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Synchronization
import Testing

/// A deleted namespace stays `Terminating` until its content is gone, refusing new content with
/// 403; an attach right after a detach must wait that out rather than fail half-way.
@Suite(.validatesSentObjects)
struct NamespaceTerminationTests {
    static let lingering = KubernetesAPIDouble.Configuration(
        nodes: [.init(name: "n1", cpu: "4")], namespaceTerminationSeconds: 2)

    @Test(
        "The double keeps a deleted namespace Terminating and refuses content in it with 403", .timeLimit(.minutes(1)))
    func doubleModelsTermination() async throws {
        try await KubernetesAPIDouble.withRunning(Self.lingering) { double in
            let client = try double.client()
            try await client.create(RouterManifests.namespace("scratch", compute: "aks1"))
            try await client.create(KubernetesClientTests.configMap("inside", namespace: "scratch"))
            #expect(try await client.delete(.namespaces, namespace: nil, name: "scratch"))
            let terminating = try #require(double.object(kind: "Namespace", namespace: nil, name: "scratch"))
            #expect(terminating["status"]?["phase"] == "Terminating")
            #expect(double.object(kind: "ConfigMap", namespace: "scratch", name: "inside") == nil)
            let forbidden = await #expect(throws: KubernetesError.self) {
                try await client.create(KubernetesClientTests.configMap("again", namespace: "scratch"))
            }
            #expect(forbidden?.code == .forbidden)
            #expect(forbidden?.message.contains("because it is being terminated") == true)
            let exists = await #expect(throws: KubernetesError.self) {
                try await client.create(RouterManifests.namespace("scratch", compute: "aks1"))
            }
            #expect(exists?.reason == "AlreadyExists")
            let gone = try await PodRunnerTests.waitFor {
                double.object(kind: "Namespace", namespace: nil, name: "scratch") == nil
            }
            #expect(gone)
        }
    }

    @Test("Detach then attach at once waits for the Terminating namespaces and says so", .timeLimit(.minutes(1)))
    func reattachWaits() async throws {
        try await KubernetesAPIDouble.withRunning(Self.lingering) { double in
            let client = try double.client(namespace: "ml")
            let attachment = ClusterAttachment(
                client: client,
                namespaceWait: NamespaceTerminationWait(timeout: .seconds(30), pollInterval: .milliseconds(200)))
            let installation = ManifestSamples.installation(purpose: .devTest)
            _ = try await attachment.attach(installation)
            try await attachment.detach(computeName: "aks1", namespace: "ml", force: false)
            #expect(
                double.object(kind: "Namespace", namespace: nil, name: "berth-system")?["status"]?["phase"]
                    == "Terminating")
            let lines = Mutex<[String]>([])
            _ = try await attachment.attach(installation, progress: { line in lines.withLock { $0.append(line) } })
            let said = lines.withLock { $0 }
            #expect(
                said.contains { $0.contains("Namespace 'berth-system' is still being deleted (Terminating)") },
                "\(said)")
            #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") != nil)
            #expect(double.object(kind: "ConfigMap", namespace: "berth-system", name: "berth-attachment") != nil)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "berth-system")?["status"]?["phase"] == nil)
        }
    }

    @Test("A namespace that stays Terminating past the wait fails attach with a stable code", .timeLimit(.minutes(1)))
    func boundedWait() async throws {
        let stuck = KubernetesAPIDouble.Configuration(
            nodes: [.init(name: "n1", cpu: "4")], namespaceTerminationSeconds: 600)
        try await KubernetesAPIDouble.withRunning(stuck) { double in
            let client = try double.client(namespace: "ml")
            let attachment = ClusterAttachment(
                client: client,
                namespaceWait: NamespaceTerminationWait(timeout: .milliseconds(500), pollInterval: .milliseconds(100)))
            let installation = ManifestSamples.installation(purpose: .devTest)
            _ = try await attachment.attach(installation)
            try await attachment.detach(computeName: "aks1", namespace: "ml", force: false)
            let error = await #expect(throws: KubernetesError.self) { try await attachment.attach(installation) }
            #expect(error?.code == .namespaceTerminating)
            #expect(
                error?.message.contains("kubectl get namespace berth-system -o yaml") == true, "\(error?.message ?? "")"
            )
            #expect(error?.berthError.code == .conflict)
        }
    }
}
