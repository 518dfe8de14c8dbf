import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// The whole journey through the real CLI and server against the API double running Pods:
/// attach, deploy, score through Berth's router, delete, detach.
struct KubernetesDeployEndToEndTests {
    @Test("Deploy to an attached cluster (the double) and score through the router", .timeLimit(.minutes(5)))
    func deployAndScore() async throws {
        let folder = try TemporaryDirectory("berth-k8s-e2e")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime(
            berthExecutable: TestPaths.berthExecutable, python: TestPaths.fixturePython,
            workDirectory: folder.appending("pods"), environment: ["BERTH_PYTHONPATH": TestPaths.pythonPackages.path])
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let home = folder.appending("home")
            let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            let server = try await BerthServer.start(home: home)
            do {
                try await journey(double: double, home: home, kubeconfig: kubeconfig, model: model)
            } catch {
                _ = await server.stop()
                throw error
            }
            _ = await server.stop()
        }
    }

    func journey(double: RunningKubernetesAPIDouble, home: URL, kubeconfig: URL, model: URL) async throws {
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            let result = try await BerthCLI.run(arguments, home: home, timeout: .seconds(180))
            try #require(result.succeeded, "\(result)")
            return result
        }
        _ = try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        _ = try await berth("model", "register", "-n", "echo-model", "-p", model.path)
        let deployed = try await berth(
            "model", "deploy", "-n", "echo-k8s", "-m", "echo-model:1", "--ic",
            TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "aks-1")
        #expect(deployed.stdout.contains("Service 'echo-k8s' is Healthy."), "\(deployed)")
        let pods = double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s" }
        #expect(pods.count == 1)
        let ready = pods.first?["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Ready" && $0["status"] == "True" }
        #expect(ready == true, "\(pods)")
        #expect(pods.first?["status"]?["podIP"]?.stringValue?.hasPrefix("127.0.0.") == true)

        let scored = try await berth("service", "run", "-n", "echo-k8s", "-d", #"{"x": 1}"#)
        #expect(scored.stdout.contains(#""echo""#), "\(scored)")
        #expect(scored.stdout.contains("hello from"), "\(scored)")
        let logs = try await berth("service", "get-logs", "-n", "echo-k8s")
        #expect(logs.stdout.contains("init() succeeded"), "\(logs)")

        // A redeploy with other settings is a new revision: the Pods roll over to two new ones.
        let config = kubeconfig.deletingLastPathComponent().appendingPathComponent("deploymentconfig.json")
        try Data(#"{"computeType": "aks", "numReplicas": 2}"#.utf8).write(to: config)
        func replicaPods() -> Set<String> {
            Set(
                double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s" }
                    .compactMap { $0["metadata"]?["name"]?.stringValue })
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
        let again = try await berth("service", "run", "-n", "echo-k8s", "-d", #"{"x": 2}"#)
        #expect(again.stdout.contains(#""x": 2"#) || again.stdout.contains(#""x":2"#), "\(again)")

        _ = try await berth("service", "delete", "-n", "echo-k8s")
        #expect(double.object(kind: "Deployment", namespace: "default", name: "berth-echo-k8s") == nil)
        _ = try await berth("computetarget", "detach", "-n", "aks-1")
        #expect(double.objects(kind: "Deployment").isEmpty)
    }
}
