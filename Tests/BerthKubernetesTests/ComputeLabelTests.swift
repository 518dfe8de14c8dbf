import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// Berth's (Azure's) compute-target rule allows a name ending in '-', which is not a valid label
/// value; a real API server refuses such a label with 422, and so does the double.
@Suite(.validatesSentObjects)
struct ComputeLabelTests {
    @Test("A compute name that is not a label value gets a stable, valid, distinct label value")
    func labelValue() {
        #expect(NameKind.computeTarget.isValid("aks-"))
        #expect(ManifestLabels.computeLabelValue("aks1") == "aks1")
        #expect(ManifestLabels.computeLabelValue("Aks-1") == "Aks-1")
        let derived = ManifestLabels.computeLabelValue("aks-")
        #expect(ManifestLabels.isLabelValue(derived))
        #expect(derived.hasPrefix("aks."))
        #expect(derived == ManifestLabels.computeLabelValue("aks-"))
        #expect(derived != ManifestLabels.computeLabelValue("aks--"))
        #expect(ManifestLabels.isLabelValue(ManifestLabels.computeLabelValue("abcdefghijklmnopqrstuvw-")))
    }

    @Test("The double refuses an invalid label value with 422, as a real API server does", .timeLimit(.minutes(1)))
    func doubleRefusesBadLabels() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            let bad: JSONValue = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "labelled", "namespace": "default", "labels": ["berth.dev/compute": "aks-"]],
            ]
            let error = await #expect(throws: KubernetesError.self) { try await client.create(bad) }
            #expect(error?.code == .invalid)
            #expect(error?.httpStatus == 422)
            #expect(error?.message.contains("metadata.labels[berth.dev/compute]") == true, "\(error?.message ?? "")")
            let badKey: JSONValue = [
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "k", "namespace": "default", "labels": ["-bad": "x"]],
            ]
            await #expect(throws: KubernetesError.self) { try await client.create(badKey) }
            // Data keys are not labels.
            try await client.create([
                "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "d", "namespace": "default"],
                "data": ["labels": "-"],
            ])
        }
    }

    @Test("Attach, deploy and detach work for a compute target named 'aks-'", .timeLimit(.minutes(1)))
    func trailingDashCompute() async throws {
        try await KubernetesAPIDouble.withRunning(ClusterAttachmentTests.threeSmallNodes) { double in
            let client = try double.client(namespace: "ml")
            let attachment = ClusterAttachment(client: client)
            var installation = ManifestSamples.installation(purpose: .devTest)
            installation.computeName = "aks-"
            _ = try await attachment.attach(installation)
            let router = double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router")
            let label = router?["metadata"]?["labels"]?[ManifestLabels.compute]?.stringValue
            #expect(label == ManifestLabels.computeLabelValue("aks-"))
            let backend = KubernetesBackend(client: client) { spec in
                var workload = ManifestSamples.workload(gpu: 0)
                workload.spec = spec
                return workload
            }
            var spec = ManifestSamples.spec(replicas: 1)
            spec.computeName = "aks-"
            try await backend.apply(spec)
            #expect(try await attachment.deployedServices(computeName: "aks-", namespace: "ml") == ["diabetes"])
            try await attachment.detach(computeName: "aks-", namespace: "ml", force: true)
            #expect(double.objects(kind: "Deployment").isEmpty)
            #expect(double.objects(kind: "ConfigMap").isEmpty)
            #expect(double.object(kind: "Namespace", namespace: nil, name: "berth-system") == nil)
        }
    }
}
