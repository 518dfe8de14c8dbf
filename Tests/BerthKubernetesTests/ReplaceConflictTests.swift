import BerthCore
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// `createOrReplace` is GET then PUT; on a real cluster a controller often writes the object in
/// between (a Deployment's status, a Service's load balancer), and the PUT gets 409 Conflict.
@Suite(.validatesSentObjects)
struct ReplaceConflictTests {
    @Test("A replace that meets a concurrent write reads the object again and succeeds", .timeLimit(.minutes(1)))
    func retriesOnConflict() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            var client = try double.client()
            client.conflictBackoff = .milliseconds(10)
            try await client.create(KubernetesClientTests.configMap("settings"))
            double.conflictOnNextReplace(kind: "ConfigMap", namespace: "default", name: "settings")
            let replaced = try await client.createOrReplace(
                KubernetesClientTests.configMap("settings", data: ["a": "2"]))
            #expect(replaced["data"] == ["a": "2"])
            let stored = double.object(kind: "ConfigMap", namespace: "default", name: "settings")
            #expect(stored?["data"] == ["a": "2"])
            let puts = double.requestLog.filter { $0.hasPrefix("PUT /api/v1/namespaces/default/configmaps/settings") }
            #expect(puts.count == 2, "\(puts)")
        }
    }

    @Test("A replace that keeps meeting conflicts gives up after its retries with .conflict", .timeLimit(.minutes(1)))
    func givesUp() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            var client = try double.client()
            client.conflictBackoff = .milliseconds(1)
            client.conflictRetries = 2
            try await client.create(KubernetesClientTests.configMap("busy"))
            double.conflictOnNextReplace(kind: "ConfigMap", namespace: "default", name: "busy", times: 3)
            let error = await #expect(throws: KubernetesError.self) {
                try await client.createOrReplace(KubernetesClientTests.configMap("busy", data: ["a": "3"]))
            }
            #expect(error?.code == .conflict)
            #expect(error?.reason == "Conflict")
            let puts = double.requestLog.filter { $0.hasPrefix("PUT /api/v1/namespaces/default/configmaps/busy") }
            #expect(puts.count == 3, "one try and two retries: \(puts)")
        }
    }
}
