import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// The autoscaler and `service update` on an attached cluster (the API double running Pods as
/// local processes): real load through Berth's router moves the Deployment's `scale` subresource up
/// and, after the scale-down window, down; an update rolls the Pods over with no failed request.
@Suite(.validatesSentObjects)
struct KubernetesAutoscaleTests {
    @Test(
        "On an attached cluster the autoscaler scales up under load and down after the window; service update rolls the Pods with no failed request",
        .timeLimit(.minutes(6)))
    func autoscaleAndUpdate() async throws {
        let folder = try TemporaryDirectory("berth-k8s-autoscale")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
            try await BerthServer.withRunning(
                home: folder.appending("home"), extraArguments: ["--scale-down-delay", "3"]
            ) { server in
                try await journey(double: double, server: server, folder: folder, kubeconfig: kubeconfig)
            }
        }
    }

    func journey(double: RunningKubernetesAPIDouble, server: BerthServer, folder: TemporaryDirectory, kubeconfig: URL)
        async throws
    {
        @discardableResult
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: server.home)
        }
        func service() async throws -> Webservice {
            try await berth("service", "show", "-n", "slow-k8s", "-o", "json").json(Webservice.self)
        }
        func replicasInCluster() -> Int? {
            double.object(kind: "Deployment", namespace: "default", name: "berth-slow-k8s")?["spec"]?["replicas"]?
                .numberValue.map { Int($0) }
        }
        func podNames() -> Set<String> {
            Set(
                double.objects(kind: "Pod").filter {
                    $0["metadata"]?["labels"]?["berth.dev/service"] == "slow-k8s"
                        && $0["metadata"]?["deletionTimestamp"] == nil
                }.compactMap { $0["metadata"]?["name"]?.stringValue })
        }

        try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        try await double.exposeRouter(at: server.info.routerURL)
        let model = try folder.write(Data("weights\n".utf8), to: "model/model.txt")
        try await berth("model", "register", "-n", "slow-model", "-p", model.path)
        let config = """
            {"computeType": "aks", "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25},
             "autoScaler": {"autoscaleEnabled": true, "minReplicas": 1, "maxReplicas": 3,
                            "targetUtilization": 50, "refreshPeriodInSeconds": 1},
             "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 10000}
            """
        let dc = try folder.write(Data(config.utf8), to: "deploymentconfig.json")
        let ic = TestPaths.corpus("slow").appendingPathComponent("inferenceconfig.json").path
        try await berth(
            "model", "deploy", "-n", "slow-k8s", "-m", "slow-model:1", "--ic", ic, "--dc", dc.path, "--ct", "aks-1")
        let deployed = try await service()
        #expect(deployed.desiredReplicas == 1 && replicasInCluster() == 1)
        let uri = try #require(deployed.scoringUri)
        let key = try await berth("service", "get-keys", "-n", "slow-k8s", "-o", "json").json(ServiceKeys.self)
            .primaryKey

        // 4 clients at 50 % of 1 request per replica need 8 replicas; maxReplicas bounds it to 3.
        let load = ScoringLoad()
        async let driving: Void = load.run(clients: 4, uri: uri, key: key)
        let up = try await PodRunnerTests.waitFor {
            let shown = try await service()
            return shown.desiredReplicas == 3 && shown.readyReplicas == 3
        }
        load.stop()
        await driving
        #expect(up, "scaled up to 3 ready replicas under load")
        #expect(replicasInCluster() == 3, "through the Deployment's scale subresource")
        #expect(load.failures.isEmpty, "every request answered 200: \(load.failures)")
        // How many requests fit before the scale-up depends on the machine's speed: only that some did.
        #expect(load.succeeded > 0)

        // Idle: down to 1 after the 3 s window, one step at a time.
        let down = try await PodRunnerTests.waitFor { try await service().desiredReplicas == 1 }
        #expect(down)
        #expect(replicasInCluster() == 1)
        let events = try await service().autoscaler?.events ?? []
        #expect(events.contains { $0.kind == .scaleUp && $0.toReplicas == 3 }, "\(events)")
        #expect(events.filter { $0.kind == .scaleDown }.count == 2, "\(events)")
        let settled = try await PodRunnerTests.waitFor { podNames().count == 1 }
        #expect(settled)

        // `service update` under load with changed code: a new revision rolls the Pods over; no
        // request fails.
        let changed = folder.appending("slow-v2")
        try FileManager.default.copyItem(at: TestPaths.corpus("slow"), to: changed)
        let script = changed.appendingPathComponent("score.py")
        try (String(contentsOf: script, encoding: .utf8) + "\n# version 2\n").write(
            to: script, atomically: true, encoding: .utf8)
        let before = podNames()
        let light = ScoringLoad()
        async let lightDriving: Void = light.run(clients: 1, uri: uri, key: key)
        try await Task.sleep(for: .milliseconds(500))
        let updated = try await berth(
            "service", "update", "-n", "slow-k8s", "--ic", changed.appendingPathComponent("inferenceconfig.json").path)
        #expect(updated.stdout.contains("is Healthy on revision"), "\(updated)")
        try await Task.sleep(for: .milliseconds(1500))
        light.stop()
        await lightDriving
        #expect(light.failures.isEmpty, "no request failed during the update: \(light.failures)")
        #expect(light.succeeded > 5)
        #expect(podNames().isDisjoint(with: before), "every Pod was replaced")

        try await berth("service", "delete", "-n", "slow-k8s")
        try await berth("computetarget", "detach", "-n", "aks-1")
    }
}
