import BerthBackends
import BerthClient
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// A replica Pod removed by a scale-down drains: it is marked terminating and its EndpointSlice
/// endpoint `ready=false, terminating=true` at once, keeps serving through its `preStop` sleep,
/// and only then gets SIGTERM — so a router that follows the slices never sends a request to a
/// replica that refuses it.
@Suite(.validatesSentObjects)
struct DrainTests {
    @Test(
        "A deleted Pod is terminating and unready in its slice at once, serves through preStop, then goes",
        .timeLimit(.minutes(4)))
    func deletedPodDrains() async throws {
        let folder = try TemporaryDirectory("berth-k8s-drain")
        defer { folder.remove() }
        try await BerthServer.withRunning(home: folder.appending("home")) { server in
            try await drain(server: server, folder: folder)
        }
    }

    func drain(server: BerthServer, folder: TemporaryDirectory) async throws {
        let token = try server.adminToken()
        let script = try await ControlPlaneClient(baseURL: server.baseURL, token: token)
            .uploadArtifact(at: TestPaths.corpus("echo").appendingPathComponent("score.py"))
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
            spec.environment = [:]
            spec.liveness.initialDelaySeconds = 300
            try await backend.apply(spec)
            #expect(
                try await PodRunnerTests.waitFor { (await backend.status(ofDeployment: "diabetes"))?.readyCount == 2 })

            spec.replicas = 1
            try await backend.apply(spec)
            #expect(try await PodRunnerTests.waitFor { Self.terminatingPod(in: double) != nil })
            let pod = try #require(Self.terminatingPod(in: double))
            let name = try #require(pod["metadata"]?["name"]?.stringValue)
            let address = try #require(pod["status"]?["podIP"]?.stringValue)
            #expect(
                pod["metadata"]?["deletionGracePeriodSeconds"]?.numberValue == 45, "5 s preStop + 30 s scoring + 10 s")

            // The endpoint turns not ready and terminating (the EndpointSlice controller's next
            // pass), the status no longer counts the Pod…
            #expect(try await PodRunnerTests.waitFor { Self.isUnreadyAndTerminating(name, in: double) })
            let status = await backend.status(ofDeployment: "diabetes")
            #expect(status?.replicas.contains { $0.id == name } == false, "\(String(describing: status))")
            // …while the replica still answers (the preStop sleep), so requests in flight finish.
            let answer = try await TestHTTP.post(
                "http://\(address):5001/score", #"{"x": 1}"#,
                headers: [("Content-Type", "application/json"), ManifestSamples.replicaSecretHeader])
            #expect(answer.status == 200, "\(answer.text)")

            // Then SIGTERM, and the Pod and its endpoint go.
            #expect(
                try await PodRunnerTests.waitFor {
                    double.object(kind: "Pod", namespace: "default", name: name) == nil
                        && !double.objects(kind: "EndpointSlice").contains {
                            $0["endpoints"]?.arrayValue?.first?["targetRef"]?["name"]?.stringValue == name
                        }
                })
            let log = DoublePodRunnerLog.text(folder: folder, pod: name)
            #expect(log.contains("Shutting down"), "the replica stopped gracefully (SIGTERM): \(log)")
            await backend.remove(deploymentNamed: "diabetes")
        }
    }
}

extension DrainTests {
    /// The first Pod being deleted (with a `deletionTimestamp`).
    static func terminatingPod(in double: RunningKubernetesAPIDouble) -> JSONValue? {
        double.objects(kind: "Pod").first { $0["metadata"]?["deletionTimestamp"] != nil }
    }

    /// Whether Pod `name`'s endpoint is `ready=false, terminating=true`.
    static func isUnreadyAndTerminating(_ name: String, in double: RunningKubernetesAPIDouble) -> Bool {
        let conditions = slice(of: name, in: double)?["endpoints"]?.arrayValue?.first?["conditions"]
        return conditions?["ready"] == false && conditions?["terminating"] == true
    }

    /// The EndpointSlice whose endpoint is Pod `name`.
    static func slice(of name: String, in double: RunningKubernetesAPIDouble) -> JSONValue? {
        double.objects(kind: "EndpointSlice").first { slice in
            slice["endpoints"]?.arrayValue?.first?["targetRef"]?["name"]?.stringValue == name
        }
    }

    @Test("Scaling from 3 to 1 under load through berth router --feed fails no request", .timeLimit(.minutes(6)))
    func scaleDownUnderLoad() async throws {
        let folder = try TemporaryDirectory("berth-k8s-drain-load")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let server = try await BerthServer.start(home: folder.appending("home"))
            var router: ChildProcess?
            do {
                try await underLoad(double: double, server: server, folder: folder, router: &router)
            } catch {
                if let router { _ = await router.terminate() }
                _ = await server.stop()
                throw error
            }
            if let router { _ = await router.terminate() }
            _ = await server.stop()
        }
    }

    func underLoad(
        double: RunningKubernetesAPIDouble, server: BerthServer, folder: TemporaryDirectory, router: inout ChildProcess?
    )
        async throws
    {
        @discardableResult
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: server.home)
        }
        func pods(readyOnly: Bool) -> Set<String> {
            Set(
                double.objects(kind: "Pod").filter { pod in
                    pod["metadata"]?["labels"]?["berth.dev/service"] == "slow-k8s"
                        && (!readyOnly
                            || (pod["metadata"]?["deletionTimestamp"] == nil && ClusterRouterEndToEndTests.isReady(pod)))
                }.compactMap { $0["metadata"]?["name"]?.stringValue })
        }
        let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
        try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        let model = try folder.write(Data("weights\n".utf8), to: "model/model.txt")
        try await berth("model", "register", "-n", "slow-model", "-p", model.path)
        let config = try folder.write(
            Data(
                #"{"computeType": "aks", "authEnabled": false, "numReplicas": 3, "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25}, "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 10000}"#
                    .utf8), to: "deploymentconfig.json")
        let ic = TestPaths.corpus("slow").appendingPathComponent("inferenceconfig.json").path
        try await berth(
            "model", "deploy", "-n", "slow-k8s", "-m", "slow-model:1", "--ic", ic, "--dc", config.path, "--ct", "aks-1")

        let process = try ClusterRouterEndToEndTests.startFeedRouter(
            server: server, double: double, kubeconfig: kubeconfig, folder: folder)
        router = process
        let base = try await process.listeningAddress()
        let score = "\(base)/api/v1/service/slow-k8s/score"
        try await ClusterRouterEndToEndTests.eventually("the router routes to the three Pods", process) {
            let ready = pods(readyOnly: true)
            return ready.count == 3 && ClusterRouterEndToEndTests.lastReplicas(process, service: "slow-k8s") == ready
        }

        let load = ScoringLoad()
        async let driving: Void = load.run(clients: 3, uri: score, key: nil)
        try await Task.sleep(for: .seconds(1))
        try await double.client().scaleDeployment(namespace: "default", name: "berth-slow-k8s", replicas: 1)
        try await ClusterRouterEndToEndTests.eventually("the two Pods drained and went", process) {
            pods(readyOnly: false).count == 1
                && ClusterRouterEndToEndTests.lastReplicas(process, service: "slow-k8s") == pods(readyOnly: true)
        }
        try await Task.sleep(for: .seconds(1))
        load.stop()
        await driving
        #expect(
            load.failures.isEmpty,
            "no request failed while two of three Pods drained: \(load.failures)\n\(process.stderr.split(separator: "\n").filter { !$0.contains("debug") }.suffix(60).joined(separator: "\n"))"
        )
        #expect(load.succeeded > 20, "\(load.succeeded)")

        try await berth("service", "delete", "-n", "slow-k8s")
        try await berth("computetarget", "detach", "-n", "aks-1")
    }
}

/// The log a Pod's replica container wrote in the double's work folder.
enum DoublePodRunnerLog {
    static func text(folder: TemporaryDirectory, pod: String) -> String {
        let logs = folder.appending("pods").appendingPathComponent("default-\(pod)/logs")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: logs.path)) ?? []
        return names.filter { $0.hasPrefix("replica-") }.sorted().compactMap {
            try? String(contentsOf: logs.appendingPathComponent($0), encoding: .utf8)
        }.joined()
    }
}
