import BerthBackends
import BerthClient
import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// The double runs replica Pods as `berth replica` processes: a deployment through the
/// `KubernetesBackend` becomes ready, answers scoring on its Pods' addresses (from
/// EndpointSlices), scales down and rolls over to a new revision. The files come from a real
/// `berth server`'s artifact API, fetched and checksummed by the init container.
@Suite(.validatesSentObjects)
struct PodRunnerTests {
    @Test("Deploy, score on the Pods, scale down, roll over, remove", .timeLimit(.minutes(5)))
    func journey() async throws {
        let folder = try TemporaryDirectory("berth-k8s-pods")
        defer { folder.remove() }
        try await BerthServer.withRunning(home: folder.appending("home")) { server in
            try await run(server: server, folder: folder)
        }
    }

    func run(server: BerthServer, folder: TemporaryDirectory) async throws {
        let token = try server.adminToken()
        let client = ControlPlaneClient(baseURL: server.baseURL, token: token)
        let script = try await client.uploadArtifact(at: TestPaths.corpus("echo").appendingPathComponent("score.py"))
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "2")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let backend = KubernetesBackend(client: try double.client(namespace: "default")) { spec in
                var workload = ManifestSamples.workload(gpu: 0, environment: .prebuiltImage("berth/runtime:test"))
                workload.spec = spec
                workload.namespace = "default"
                workload.modelFiles = []
                workload.sourceFiles = [.init(path: "score.py", digest: script.digest)]
                workload.controlPlaneURL = server.baseURL
                workload.artifactToken = token
                return workload
            }
            var spec = ManifestSamples.spec(replicas: 2)
            spec.entryScript = "score.py"
            spec.environment = [:]
            spec.liveness.initialDelaySeconds = 300
            try await backend.apply(spec)
            let ready = try await Self.waitFor { (await backend.status(ofDeployment: "diabetes"))?.readyCount == 2 }
            let status = await backend.status(ofDeployment: "diabetes")
            #expect(ready, "\(String(describing: status))\n\(Self.podLogs(folder.appending("pods")))")

            let slices = double.objects(kind: "EndpointSlice").filter {
                $0["metadata"]?["labels"]?["kubernetes.io/service-name"] == "berth-diabetes"
            }
            #expect(slices.count == 2)
            for slice in slices {
                let address = try #require(
                    slice["endpoints"]?.arrayValue?.first?["addresses"]?.arrayValue?.first?.stringValue)
                let port = Int(slice["ports"]?.arrayValue?.first?["port"]?.numberValue ?? 0)
                #expect(port == 5001)
                let refused = try await TestHTTP.post("http://\(address):\(port)/score", #"{"x": 1}"#)
                #expect(refused.status == 401, "only the router, with the replica secret, is served")
                let answer = try await TestHTTP.post(
                    "http://\(address):\(port)/score", #"{"x": 1}"#,
                    headers: [("Content-Type", "application/json"), ManifestSamples.replicaSecretHeader])
                #expect(answer.status == 200, "\(answer.text)")
                #expect(answer.text.contains(#""echo""#), "\(answer.text)")
            }

            spec.replicas = 1
            try await backend.apply(spec)
            #expect(try await Self.waitFor { double.objects(kind: "Pod").count == 1 })

            spec.revision = "rev-2"
            try await backend.apply(spec)
            let rolled = try await Self.waitFor {
                let pods = double.objects(kind: "Pod")
                let readyCount = await backend.status(ofDeployment: "diabetes")?.readyCount
                return pods.count == 1 && readyCount == 1
                    && pods[0]["metadata"]?["annotations"]?[ManifestLabels.revision] == "rev-2"
            }
            #expect(rolled)

            await backend.remove(deploymentNamed: "diabetes")
            #expect(
                try await Self.waitFor {
                    double.objects(kind: "Pod").isEmpty && double.objects(kind: "EndpointSlice").isEmpty
                })
        }
    }

    @Test(
        "A replica that exits is restarted with a back-off and reported with its last termination",
        .timeLimit(.minutes(2)))
    func crashLoop() async throws {
        let folder = try TemporaryDirectory("berth-k8s-crash")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        try await KubernetesAPIDouble.withRunning(.init(podRuntime: runtime)) { double in
            // No source files: the replica finds no entry script and exits at once, every time.
            let backend = KubernetesBackend(client: try double.client(namespace: "default")) { spec in
                var workload = ManifestSamples.workload(gpu: 0, environment: .prebuiltImage("berth/runtime:test"))
                workload.spec = spec
                workload.namespace = "default"
                workload.modelFiles = []
                workload.sourceFiles = []
                return workload
            }
            var spec = ManifestSamples.spec(replicas: 1)
            spec.entryScript = "score.py"
            try await backend.apply(spec)
            let crashing = try await Self.waitFor {
                (await backend.status(ofDeployment: "diabetes"))?.replicas.first.map { $0.restarts >= 2 } == true
            }
            #expect(crashing)
            let replica = try #require(await backend.status(ofDeployment: "diabetes")?.replicas.first)
            #expect(replica.state != .ready)
            // FallbackToLogsOnError: the log's last line follows the exit code.
            #expect(replica.lastError?.hasPrefix("Error, exit code 1: ") == true, "\(replica)")
            #expect(replica.lastError?.contains("was not found") == true, "\(replica)")
            // The current container's log is empty right after a restart: wait for its first run's line.
            let logged = try await Self.waitFor {
                let logs = try await backend.logs(ofDeployment: "diabetes", replica: nil, lines: 20)
                return logs.contains("The entry script 'score.py' (--entry-script) was not found")
            }
            #expect(logged, "the replica's log never said the entry script was missing")
        }
    }

    /// The containers' logs the double wrote, for a failure's message.
    static func podLogs(_ folder: URL) -> String {
        let files =
            FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.filter { $0.path.contains("/logs/") }.sorted { $0.path < $1.path }.prefix(6).map { file in
            "--- \(file.lastPathComponent)\n"
                + String((try? String(contentsOf: file, encoding: .utf8))?.suffix(1500) ?? "")
        }.joined(separator: "\n")
    }

    /// Polls `condition` every 200 ms for up to 90 s.
    static func waitFor(_ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(90))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }
}
