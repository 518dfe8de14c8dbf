import BerthCore
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Testing

/// The suites' strict schema check can fail: an object the double accepts (it checks names and
/// labels, not schemas) but a real API server's strict validation refuses is reported with the
/// request, the field and the object.
struct SentObjectsValidationTests {
    @Test("An unknown field in a sent object fails the check, naming it", .timeLimit(.minutes(1)))
    func unknownFieldFails() async throws {
        let sent = SentObjects()
        try await KubernetesAPIDouble.withRunning(.init(sentObjects: sent)) { double in
            let client = try double.client()
            try await client.create(
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "ok", "namespace": "default"],
                    "data": ["a": "1"],
                ])
            try await client.create(
                [
                    "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "bad", "namespace": "default"],
                    "datta": ["a": "1"],
                ])
            try await client.mergePatch(.configMaps, namespace: "default", name: "ok", patch: ["data": ["b": "2"]])
        }
        #expect(sent.entries.count == 3)
        #expect(sent.entries.allSatisfy { $0.kubernetesVersion == "1.31" })
        let output = try await ValidatesSentObjects.run(sent.entries)
        #expect(!output.succeeded)
        #expect(
            output.stdout.contains(
                "POST /api/v1/namespaces/default/configmaps (ConfigMap default/bad, Kubernetes 1.31"),
            "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("Additional properties are not allowed ('datta' was unexpected)"))
        #expect(output.stdout.contains(#""datta": {"a": "1"}"#), "the report shows the object")
        #expect(!output.stdout.contains("ConfigMap default/ok"), "\(output.stdout)")
    }
}
