import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// Why a deployment on an attached cluster (the double) is not Healthy reaches the user: the
/// container's last termination reason for a crash loop, the scheduler's message for Pods that
/// cannot be placed — in the deploy command's failure, `berth service show` and the REST API.
@Suite(.validatesSentObjects)
struct KubernetesStateEndToEndTests {
    @Test("A crash loop and an unschedulable deployment say why, through the CLI and the API", .timeLimit(.minutes(6)))
    func crashLoopAndUnschedulable() async throws {
        let folder = try TemporaryDirectory("berth-k8s-state")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "2")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await BerthServer.withRunning(home: folder.appending("home")) { server in
                try await journey(server: server, kubeconfig: kubeconfig, model: model, folder: folder)
            }
        }
    }

    func journey(server: BerthServer, kubeconfig: URL, model: URL, folder: TemporaryDirectory) async throws {
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await BerthCLI.run(arguments, home: server.home, timeout: .seconds(240))
        }
        let attached = try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        try #require(attached.succeeded, "\(attached)")
        let registered = try await berth("model", "register", "-n", "m", "-p", model.path)
        try #require(registered.succeeded, "\(registered)")

        // init() exits the process: the Pod crash loops and the deploy fails with the reason.
        let crashing = try await berth(
            "model", "deploy", "-n", "crash-k8s", "-m", "m:1", "--ic",
            TestPaths.fixtures.appendingPathComponent("k8s-crash/inferenceconfig.json").path, "--ct", "aks-1")
        #expect(!crashing.succeeded, "\(crashing)")
        let said = crashing.stdout + crashing.stderr
        #expect(said.contains("Error, exit code 1"), "\(crashing)")
        #expect(said.contains("exit code 3"), "the worker's own exit code: \(crashing)")
        #expect(said.contains("weights file is truncated"), "the log's end: \(crashing)")
        // The double's router load balancer never got an address: no scoring URI, and why.
        #expect(said.contains("No scoring URI yet: the load balancer of compute target 'aks-1' has no address"), "\(crashing)")
        let shown = try await berth("service", "show", "-n", "crash-k8s")
        #expect(shown.stdout.contains("Failed"), "\(shown)")
        #expect(shown.stdout.contains("Error, exit code 1"), "\(shown)")
        let api = try await TestHTTP.get(
            "\(server.baseURL)/api/v1/services/crash-k8s",
            headers: [("Authorization", "Bearer \(try server.adminToken())")])
        #expect(api.status == 200)
        #expect(api.text.contains("Error, exit code 1"), "\(api.text)")

        // More CPU than the node has: Unschedulable, with the scheduler's message, at once.
        let config = try folder.write(
            Data(#"{"computeType": "aks", "containerResourceRequirements": {"cpu": 8, "memoryInGB": 0.5}}"#.utf8),
            to: "big/deploymentconfig.json")
        let big = try await berth(
            "model", "deploy", "-n", "big-k8s", "-m", "m:1", "--ic",
            TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--dc", config.path,
            "--ct", "aks-1")
        #expect(!big.succeeded, "\(big)")
        #expect((big.stdout + big.stderr).contains("0/1 nodes are available: 1 Insufficient cpu."), "\(big)")
        let bigShown = try await berth("service", "show", "-n", "big-k8s")
        #expect(bigShown.stdout.contains("Unschedulable"), "\(bigShown)")
        #expect(bigShown.stdout.contains("Insufficient cpu"), "\(bigShown)")
        let bigAPI = try await TestHTTP.get(
            "\(server.baseURL)/api/v1/services/big-k8s",
            headers: [("Authorization", "Bearer \(try server.adminToken())")])
        #expect(bigAPI.text.contains("Unschedulable") && bigAPI.text.contains("Insufficient cpu"), "\(bigAPI.text)")

        let detached = try await berth("computetarget", "detach", "-n", "aks-1", "--force")
        #expect(detached.succeeded, "\(detached)")
    }
}
