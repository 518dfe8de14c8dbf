import BerthClient
import BerthCore
import BerthKubernetesDouble
import BerthMetrics
import BerthTesting
import Foundation
import Testing

/// The whole journey through the real CLI and server against the API double running Pods:
/// attach, deploy, score through Berth's router, delete, detach.
@Suite(.validatesSentObjects)
struct KubernetesDeployEndToEndTests {
    @Test("Deploy to an attached cluster (the double) and score through the router", .timeLimit(.minutes(5)))
    func deployAndScore() async throws {
        try await Self.withServerAndCluster { double, server, kubeconfig, model in
            try await journey(double: double, server: server, kubeconfig: kubeconfig, model: model)
        }
    }

    @Test("A Pod's collected model data reaches the workspace's modeldata folder", .timeLimit(.minutes(5)))
    func modelDataLeavesThePod() async throws {
        try await Self.withServerAndCluster { double, server, kubeconfig, model in
            let home = server.home
            try await berthSucceeds(
                [
                    "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
                    "--cluster-purpose", "DevTest",
                ], home: home)
            try await double.exposeRouter(at: server.info.routerURL)
            try await berthSucceeds(["model", "register", "-n", "echo-model", "-p", model.path], home: home)
            let fixture = TestPaths.corpus("datacollection")
            try await berthSucceeds(
                [
                    "model", "deploy", "-n", "collect-k8s", "-m", "echo-model:1", "--ic",
                    fixture.appendingPathComponent("inferenceconfig.json").path, "--dc",
                    fixture.appendingPathComponent("deploymentconfig.json").path, "--ct", "aks-1",
                ], home: home)
            let scored = try await berthSucceeds(
                ["service", "run", "-n", "collect-k8s", "-d", #"{"data": [[1, 2], [3, 4]]}"#], home: home)
            #expect(scored.stdout.contains("3") && scored.stdout.contains("7"), "\(scored)")

            let day = modelDataDayFolder()
            let folder = home.appendingPathComponent("modeldata/default/default/default/collect-k8s/echo-model/default")
            let inputs = folder.appendingPathComponent("inputs/\(day)/inputs.csv")
            let predictions = folder.appendingPathComponent("predictions/\(day)/predictions.csv")
            func rows(_ file: URL) -> [String] {
                ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while rows(predictions).count < 3 || rows(inputs).count < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
            }
            let inputRows = rows(inputs)
            #expect(inputRows.count == 3, "a header and two rows, sent from the Pod: \(inputRows)")
            #expect(inputRows.first?.hasPrefix("x1,x2,$aml_dc_correlation_id,") == true)
            #expect(inputRows.dropFirst().map { $0.hasPrefix("1,2,") || $0.hasPrefix("3,4,") } == [true, true])
            #expect(rows(predictions).dropFirst().map { $0.prefix(2) } == ["3,", "7,"])
            let mode = try FileManager.default.attributesOfItem(atPath: inputs.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)

            // The Pod's token sends only into its own service's folder.
            let secret = try #require(double.object(kind: "Secret", namespace: "default", name: "berth-collect-k8s"))
            let token = String(
                decoding: try #require(Data(base64Encoded: secret["data"]?["artifact-token"]?.stringValue ?? "")),
                as: UTF8.self)
            let elsewhere = try await TestHTTP.post(
                "\(server.baseURL)/api/v1/services/collect-k8s/modeldata?replica=p&offset=0&path="
                    + "default%2Fdefault%2Fdefault%2Fother%2Fm%2F1%2Finputs%2F2026%2F01%2F01%2Finputs.csv",
                "a,b\n", headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "text/csv")])
            #expect(elsewhere.status == 400 && elsewhere.text.contains("not of 'collect-k8s'"), "\(elsewhere.text)")
            _ = try await berthSucceeds(["service", "delete", "-n", "collect-k8s"], home: home)
        }
    }

    /// A running double (one node, real replica processes for Pods) and a Berth server, with the
    /// double's kubeconfig and a tiny model file.
    static func withServerAndCluster(
        _ body:
            @Sendable (RunningKubernetesAPIDouble, BerthServer, _ kubeconfig: URL, _ model: URL) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory("berth-k8s-e2e")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let home = folder.appending("home")
            let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await BerthServer.withRunning(home: home) { server in
                try await body(double, server, kubeconfig, model)
            }
        }
    }

    func journey(double: RunningKubernetesAPIDouble, server: BerthServer, kubeconfig: URL, model: URL) async throws {
        let home = server.home
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: home)
        }
        _ = try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        try await double.exposeRouter(at: server.info.routerURL)
        _ = try await berth("model", "register", "-n", "echo-model", "-p", model.path)
        let deployed = try await berth(
            "model", "deploy", "-n", "echo-k8s", "-m", "echo-model:1", "--ic",
            TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "aks-1")
        #expect(deployed.stdout.contains("Service 'echo-k8s' is Healthy."), "\(deployed)")
        let pods = double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s" }
        #expect(pods.count == 1)
        let ready = pods.first?["status"]?["conditions"]?.arrayValue?.contains {
            $0["type"] == "Ready" && $0["status"] == "True"
        }
        #expect(ready == true, "\(pods)")
        #expect(pods.first?["status"]?["podIP"]?.stringValue?.hasPrefix("127.0.0.") == true)

        let scored = try await berth("service", "run", "-n", "echo-k8s", "-d", #"{"x": 1}"#)
        #expect(scored.stdout.contains(#""echo""#), "\(scored)")
        #expect(scored.stdout.contains("hello from"), "\(scored)")
        let logs = try await berth("service", "get-logs", "-n", "echo-k8s")
        #expect(logs.stdout.contains("init() succeeded"), "\(logs)")
        // The cluster's one scrape target reads the replica Pod's /metrics through the API server's proxy.
        let podName = try #require(pods.first?["metadata"]?["name"]?.stringValue)
        let scrape = try await TestHTTP.get(
            "\(server.baseURL)/api/v1/computes/aks-1/metrics",
            headers: [("Authorization", "Bearer \(try server.adminToken())")])
        #expect(scrape.status == 200)
        let cluster = try Exposition(parsing: scrape.text)
        let replica = ["service": "echo-k8s", "replica": podName]
        #expect(cluster.value("berth_replica_up", replica) == 1, "\(scrape.text)")
        #expect(cluster.value("berth_replica_requests_total", replica.merging(["status_class": "2xx"]) { $1 }) == 1)
        // kubectl and the Python client read back what Berth made, as from a real API server.
        try await RealClientsReadBack.check(
            double: double, kubeconfig: kubeconfig, namespace: "default", service: "echo-k8s")
        let artifactToken = try await checkArtifactToken(double: double, server: server)

        // A redeploy with other settings is a new revision: the Pods roll over to two new ones, in
        // the namespace the config names, with its CPU limit.
        let config = kubeconfig.deletingLastPathComponent().appendingPathComponent("deploymentconfig.json")
        try Data(
            #"{"computeType": "aks", "numReplicas": 2, "namespace": "team-a", "appInsightsEnabled": true, "containerResourceRequirements": {"cpu": 0.1, "cpuLimit": 0.5}}"#
                .utf8
        ).write(to: config)
        // Pods being deleted drain (preStop) before they go; they are no longer replicas.
        func replicaPods() -> Set<String> {
            Set(
                double.objects(kind: "Pod").filter {
                    $0["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s"
                        && $0["metadata"]?["deletionTimestamp"] == nil
                }.compactMap { $0["metadata"]?["name"]?.stringValue })
        }
        let before = replicaPods()
        let redeployed = try await berth(
            "model", "deploy", "-n", "echo-k8s", "-m", "echo-model:1", "--ic",
            TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--dc", config.path,
            "--ct", "aks-1", "--overwrite")
        #expect(redeployed.stdout.contains("Service 'echo-k8s' is Healthy."), "\(redeployed)")
        let after = replicaPods()
        #expect(after.count == 2, "\(after)")
        #expect(after.isDisjoint(with: before), "every Pod was replaced")
        let moved = try #require(double.object(kind: "Deployment", namespace: "team-a", name: "berth-echo-k8s"))
        let container = moved["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        #expect(container?["resources"]?["limits"]?["cpu"] == "500m")
        #expect(double.object(kind: "Deployment", namespace: "default", name: "berth-echo-k8s") == nil)
        let again = try await berth("service", "run", "-n", "echo-k8s", "-d", #"{"x": 2}"#)
        #expect(again.stdout.contains(#""x": 2"#) || again.stdout.contains(#""x":2"#), "\(again)")
        try await checkShippedTelemetry(home: home, pods: after)

        _ = try await berth("service", "delete", "-n", "echo-k8s")
        let revoked = try await TestHTTP.get(
            "\(server.baseURL)/api/v1/artifacts/\(artifactToken.digest)",
            headers: [("Authorization", "Bearer \(artifactToken.token)")])
        #expect(revoked.status == 401, "deleting the service revokes its Pods' token")
        let left = double.objects(kind: "Deployment").filter { $0["metadata"]?["name"] == "berth-echo-k8s" }
        #expect(left.isEmpty)
        _ = try await berth("computetarget", "detach", "-n", "aks-1")
        #expect(double.objects(kind: "Deployment").isEmpty)
        #expect(double.object(kind: "Namespace", namespace: nil, name: "team-a") == nil)
    }

    /// With `appInsightsEnabled`, a Pod's replica sends its request telemetry to the control plane,
    /// which keeps it in the workspace: `get-telemetry` reads the scoring request just made.
    func checkShippedTelemetry(home: URL, pods: Set<String>) async throws {
        var page = ServiceTelemetry(service: "", enabled: false, dropped: 0, requests: [])
        let deadline = ContinuousClock.now + .seconds(20)
        while page.requests.isEmpty, ContinuousClock.now < deadline {
            let read = try await berthSucceeds(
                ["service", "get-telemetry", "-n", "echo-k8s", "-o", "json"], home: home)
            page = try read.json(ServiceTelemetry.self)
            if page.requests.isEmpty { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(page.enabled && page.dropped == 0)
        let record = try #require(page.requests.first, "the Pod's line reached the control plane")
        #expect(page.requests.count == 1)
        #expect(record.resultCode == "200" && record.success)
        #expect(record.name == "POST /api/v1/service/echo-k8s/score")
        #expect(pods.contains(record.customDimensions[RequestTelemetry.Dimension.replica] ?? ""), "\(record)")
        let folder = home.appendingPathComponent("telemetry/echo-k8s")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains { $0.hasSuffix(".jsonl") }, "kept in the workspace, as a local replica's lines")
    }

    /// The Pods got a read-only artifact token (not the admin token) that reads their files and is
    /// refused, with a JSON error, on any other route and on files that are not theirs.
    func checkArtifactToken(double: RunningKubernetesAPIDouble, server: BerthServer) async throws
        -> (token: String, digest: String)
    {
        let secret = try #require(double.object(kind: "Secret", namespace: "default", name: "berth-echo-k8s"))
        let encoded = try #require(secret["data"]?["artifact-token"]?.stringValue)
        let token = String(decoding: try #require(Data(base64Encoded: encoded)), as: UTF8.self)
        let adminToken = try server.adminToken()
        #expect(!token.isEmpty && token != adminToken)
        let deployment = try #require(double.object(kind: "Deployment", namespace: "default", name: "berth-echo-k8s"))
        let fetch = deployment["spec"]?["template"]?["spec"]?["initContainers"]?.arrayValue?.first
        let script = fetch?["command"]?.arrayValue?.last?.stringValue ?? ""
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("fetch '") })
        let digest = "sha256:" + line.dropFirst("fetch '".count).prefix(64)
        let bearer = [("Authorization", "Bearer \(token)")]

        let own = try await TestHTTP.get("\(server.baseURL)/api/v1/artifacts/\(digest)", headers: bearer)
        #expect(own.status == 200, "\(own.text)")
        let otherRoute = try await TestHTTP.get("\(server.baseURL)/api/v1/models", headers: bearer)
        #expect(otherRoute.status == 401)
        let error = (try otherRoute.json() as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["code"] as? String == "Unauthorized", "\(otherRoute.text)")
        #expect(error?["requestId"] != nil, "\(otherRoute.text)")
        #expect((error?["message"] as? String)?.contains("artifact token of deployment 'echo-k8s'") == true)
        #expect(!otherRoute.text.contains(token))
        let folder = try TemporaryDirectory("berth-other-artifact")
        defer { folder.remove() }
        let unrelated = try await ControlPlaneClient(baseURL: server.baseURL, token: adminToken).uploadArtifact(
            at: try folder.write(Data("not this deployment's\n".utf8), to: "other.txt"))
        let notItsFile = try await TestHTTP.get(
            "\(server.baseURL)/api/v1/artifacts/\(unrelated.digest)", headers: bearer)
        #expect(notItsFile.status == 401, "\(notItsFile.text)")
        let upload = try await TestHTTP.post("\(server.baseURL)/api/v1/artifacts", "x", headers: bearer)
        #expect(upload.status == 401, "\(upload.text)")
        return (token, digest)
    }
}
