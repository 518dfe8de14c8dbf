import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Foundation
import NIOCore
import Testing

/// `berth-router --feed` as a router Pod runs it — here a local process pointed at a real
/// `berth server` and the API double (which runs the replica Pods): it follows deploys,
/// redeploys and scaling, checks keys, keeps serving while the control plane is away, and follows
/// it again when it is back.
@Suite(.validatesSentObjects)
struct ClusterRouterEndToEndTests {
    @Test(
        "The cluster router follows the feed and the EndpointSlices, and keeps serving without the control plane",
        .timeLimit(.minutes(8)))
    func followsTheCluster() async throws {
        let folder = try TemporaryDirectory("berth-cluster-router")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let server = try await BerthServer.start(home: folder.appending("home"))
            var router: ChildProcess?
            var restarted: BerthServer?
            do {
                try await journey(
                    double: double, server: server, folder: folder, router: &router, restarted: &restarted)
            } catch {
                if let router { _ = await router.terminate() }
                _ = await server.stop()
                if let restarted { _ = await restarted.stop() }
                throw error
            }
            if let restarted { _ = await restarted.stop() }
            if let router {
                // SIGTERM: the router, its feed follower and its EndpointSlice watch stop cleanly.
                let exit = await router.terminate()
                #expect(!exit.isSignal && exit.code == 0, "\(exit)\n\(router.stderr)")
            }
        }
    }

    func journey(
        double: RunningKubernetesAPIDouble, server: BerthServer, folder: TemporaryDirectory,
        router: inout ChildProcess?,
        restarted: inout BerthServer?
    ) async throws {
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: server.home)
        }
        let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
        let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
        let inference = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
        let oneReplica = try folder.write(
            Data(#"{"computeType": "aks", "authEnabled": true, "numReplicas": 1}"#.utf8), to: "one.json")
        let twoReplicas = try folder.write(
            Data(#"{"computeType": "aks", "authEnabled": true, "numReplicas": 2}"#.utf8), to: "two.json")
        _ = try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        _ = try await berth("model", "register", "-n", "echo-model", "-p", model.path)
        _ = try await berth(
            "model", "deploy", "-n", "echo-k8s", "-m", "echo-model:1", "--ic", inference, "--dc", oneReplica.path,
            "--ct", "aks-1")
        let keys = try await berth("service", "get-keys", "-n", "echo-k8s", "-o", "json").json(ServiceKeys.self)

        // The router, as its Pod runs it: the feed token from the cluster's Secret, replicas from
        // the EndpointSlices of the deployment namespace.
        let feedToken = try RouteFeedTests.feedToken(double)
        let process = try Self.startFeedRouter(server: server, double: double, kubeconfig: kubeconfig, folder: folder)
        router = process
        let base = try await process.listeningAddress()
        let score = "\(base)/api/v1/service/echo-k8s/score"
        let withKey = [("Authorization", "Bearer \(keys.primaryKey)"), ("Content-Type", "application/json")]

        try await Self.eventually("the router scores with a key", process) {
            try await TestHTTP.post(score, #"{"x": 1}"#, headers: withKey).status == 200
        }
        let answer = try await TestHTTP.post(score, #"{"x": 1}"#, headers: withKey)
        #expect(answer.text.contains("hello from"), "\(answer.text)")
        #expect(try await TestHTTP.post(score, #"{"x": 1}"#).status == 401)
        #expect(try await TestHTTP.post(score, #"{"x": 1}"#, headers: [("Authorization", "Bearer nope")]).status == 401)
        try await Self.expectReplicaAnswersOnlyTheRouter(double: double, server: server, feedToken: feedToken)

        // The router reports its load to the control plane's autoscaler, signed with the feed token
        // and naming its cluster; a feed token does not sign a report for another cluster.
        let admin = [("Authorization", "Bearer \(try server.adminToken())")]
        let loads = server.baseURL + "/api/v1/routers/load"
        try await Self.eventually("the router's load reports reach the control plane", process) {
            let listed = try await TestHTTP.get(loads, headers: admin)
            // Listed as compute/router (JSON may escape the '/', so read the list, not the text).
            let routers = (try listed.json() as? [String: Any])?["routers"] as? [String] ?? []
            return listed.status == 200
                && routers.contains { $0.hasPrefix("aks-1/") && $0.hasSuffix("-\(process.pid)") }
        }
        let signed = [
            ("Authorization", "Bearer \(feedToken)"), ("Content-Type", "application/json"),
        ]
        #expect(
            try await TestHTTP.post(loads, #"{"router": "r", "compute": "aks-1", "services": {}}"#, headers: signed)
                .status == 204)
        let own = #"{"router": "r", "compute": "aks-1", "services": {"echo-k8s": {"inFlight": 0, "queued": 1}}}"#
        #expect(try await TestHTTP.post(loads, own, headers: signed).status == 204)
        let unknown = #"{"router": "r", "compute": "aks-1", "services": {"no-such-svc": {"inFlight": 1, "queued": 0}}}"#
        #expect(try await TestHTTP.post(loads, unknown, headers: signed).status == 400)
        #expect(try await TestHTTP.post(loads, #"{"router": "r", "services": {}}"#, headers: signed).status == 401)
        #expect(
            try await TestHTTP.post(loads, #"{"router": "r", "compute": "other", "services": {}}"#, headers: signed)
                .status == 401)
        #expect(try await TestHTTP.get(loads, headers: signed).status == 401, "listing routers needs the admin token")

        // A redeploy rolls every Pod over: the router follows (the old Pods' processes are gone,
        // so routing to them would fail).
        let before = Self.pods(double)
        #expect(before.count == 1)
        try await Self.eventually("the router routes to the one Pod", process) {
            Self.lastReplicas(process) == before && Self.readyPods(double) == before
        }
        _ = try await berth(
            "model", "deploy", "-n", "echo-k8s", "-m", "echo-model:1", "--ic", inference, "--dc", twoReplicas.path,
            "--ct", "aks-1", "--overwrite")
        try await Self.eventually("the router routes to the two new Pods", process) {
            let pods = Self.readyPods(double)
            return pods.count == 2 && pods.isDisjoint(with: before) && Self.lastReplicas(process) == pods
        }
        try await Self.expectScores(score, headers: withKey, times: 6)

        // A scale done in the cluster (the Deployment's `scale`): the router adds the third Pod.
        let client = try double.client()
        try await client.scaleDeployment(namespace: "default", name: "berth-echo-k8s", replicas: 3)
        try await Self.eventually("the router routes to a third Pod", process) {
            let pods = Self.readyPods(double)
            return pods.count == 3 && Self.lastReplicas(process) == pods
        }
        try await Self.expectScores(score, headers: withKey, times: 6)

        // The control plane stops: the router says so and keeps serving its last table, and
        // still follows the cluster's EndpointSlices (a scale-down; a new Pod could not start,
        // its init container downloads the model from the control plane).
        _ = await server.stop()
        try await Self.eventually("the router logs that the feed is away", process) {
            process.stderr.contains("route feed is unreachable; serving the last route table")
        }
        try await Self.expectScores(score, headers: withKey, times: 4)
        #expect(try await TestHTTP.post(score, #"{"x": 1}"#).status == 401)
        try await client.scaleDeployment(namespace: "default", name: "berth-echo-k8s", replicas: 1)
        try await Self.eventually("the router drops the Pods scaled away", process) {
            let pods = Self.readyPods(double)
            return pods.count == 1 && Self.lastReplicas(process) == pods
        }
        try await Self.expectScores(score, headers: withKey, times: 4)

        // The control plane comes back on the same address: the router follows its feed again,
        // although the new process numbers its tables from 1 again — a regenerated key works
        // through the router at once and the old one stops working.
        let port = try #require(URL(string: server.baseURL)?.port)
        let again = try await BerthServer.start(home: server.home, extraArguments: ["--port", String(port)])
        restarted = again
        #expect(again.baseURL == server.baseURL)
        try await Self.eventually("the router follows the feed again", process) {
            process.stderr.contains("Following the control plane's route feed again")
        }
        let regenerated = try await BerthCLI.run(
            ["service", "regen-key", "-n", "echo-k8s", "-k", "Primary", "-o", "json"], home: server.home)
        try #require(regenerated.succeeded, "\(regenerated)")
        let newKeys = try regenerated.json(ServiceKeys.self)
        #expect(newKeys.primaryKey != keys.primaryKey)
        try await Self.eventually("the router takes the new key and refuses the old one", process) {
            let old = try await TestHTTP.post(score, #"{"x": 1}"#, headers: withKey)
            let new = try await TestHTTP.post(
                score, #"{"x": 1}"#,
                headers: [("Authorization", "Bearer \(newKeys.primaryKey)"), ("Content-Type", "application/json")])
            return old.status == 401 && new.status == 200
        }
        #expect(!process.stderr.contains(keys.primaryKey))
        #expect(!process.stderr.contains(newKeys.primaryKey))
        #expect(!process.stderr.contains(feedToken))
    }

    /// A replica Pod reached directly, as any Pod of the cluster could: scoring is refused without
    /// the replica secret (which the deployment's Secret and the cluster's route feed carry, the
    /// same value) and served with it; the kubelet's probe paths stay open. The double does not
    /// enforce the deployment's NetworkPolicy, which is checked as an object.
    static func expectReplicaAnswersOnlyTheRouter(
        double: RunningKubernetesAPIDouble, server: BerthServer, feedToken: String
    ) async throws {
        let stored = try #require(double.object(kind: "Secret", namespace: "default", name: "berth-echo-k8s"))
        let encoded = try #require(stored["data"]?["replica-secret"]?.stringValue)
        let secret = try #require(Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) })
        #expect(secret.count == 64)
        let feed = try await TestHTTP.get(
            server.baseURL + "/api/v1/routes?compute=aks-1", headers: [("Authorization", "Bearer \(feedToken)")])
        let table = try BerthJSON.decode(RouteTable.self, from: Data(feed.body.readableBytesView), what: "route table")
        #expect(table.services["echo-k8s"]?.replicaSecret == secret, "the router gets the Pods' secret")
        let policy = double.object(kind: "NetworkPolicy", namespace: "default", name: "berth-echo-k8s")
        #expect(policy?["spec"]?["podSelector"]?["matchLabels"]?[ManifestLabels.service] == "echo-k8s")

        let pod = try #require(
            double.objects(kind: "Pod").first {
                $0["metadata"]?["labels"]?[ManifestLabels.service] == "echo-k8s" && isReady($0)
            })
        let podIP = try #require(pod["status"]?["podIP"]?.stringValue)
        let replica = "http://\(podIP):\(ReplicaManifests.replicaPort)"
        #expect(try await TestHTTP.get("\(replica)/").status == 200)
        #expect(try await TestHTTP.get("\(replica)/ready").status == 200)
        let refused = try await TestHTTP.post("\(replica)/score", #"{"x": 1}"#)
        #expect(refused.status == 401)
        #expect(refused.text.contains("reached only through the Berth router"), "\(refused.text)")
        #expect(
            try await TestHTTP.post(
                "\(replica)/score", #"{"x": 1}"#, headers: [("x-berth-replica-secret", String(secret.reversed()))]
            ).status == 401)
        let served = try await TestHTTP.post(
            "\(replica)/score", #"{"x": 1}"#,
            headers: [("x-berth-replica-secret", secret), ("Content-Type", "application/json")])
        #expect(served.status == 200, "\(served.status) \(served.text)")
    }

    /// The replicas (Pod names) of `service` in the router's last applied table, from its debug
    /// log (`replicas=NAME=[pod-a pod-b]`).
    /// The newest table is the one with the highest generation: the feed and the EndpointSlice
    /// watch build tables on different threads, so their log lines may come out of order.
    static func lastReplicas(_ router: ChildProcess, service: String = "echo-k8s") -> Set<String>? {
        func generation(_ line: Substring) -> Int {
            guard let start = line.range(of: "generation=")?.upperBound else { return -1 }
            return Int(line[start...].prefix(while: \.isNumber)) ?? -1
        }
        guard
            let line = router.stderr.split(separator: "\n").filter({ $0.contains("Route table replicas") })
                .max(by: { generation($0) < generation($1) }),
            let start = line.range(of: "\(service)=[")?.upperBound, let end = line[start...].firstIndex(of: "]")
        else { return nil }
        return Set(line[start..<end].split(separator: " ").map(String.init))
    }

    /// Whether `pod`'s `Ready` condition is true.
    static func isReady(_ pod: JSONValue) -> Bool {
        pod["status"]?["conditions"]?.arrayValue?.contains { $0["type"] == "Ready" && $0["status"] == "True" } == true
    }

    /// The Pods of echo-k8s in the double, ready or not.
    static func pods(_ double: RunningKubernetesAPIDouble) -> Set<String> {
        Set(
            double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s" }
                .compactMap { $0["metadata"]?["name"]?.stringValue })
    }

    /// The ready Pods of echo-k8s in the double.
    static func readyPods(_ double: RunningKubernetesAPIDouble) -> Set<String> {
        Set(
            double.objects(kind: "Pod").filter { pod in
                pod["metadata"]?["labels"]?["berth.dev/service"] == "echo-k8s"
                    && pod["metadata"]?["deletionTimestamp"] == nil
                    && isReady(pod)
            }.compactMap { $0["metadata"]?["name"]?.stringValue })
    }

    /// Scores `times` times; each must get 200. A 503 is tried again for a while: the double marks
    /// a replica unready when its readiness probe meets a request in flight (one request per
    /// replica here), and then the router rightly has no replica for it for a moment.
    static func expectScores(_ url: String, headers: [(String, String)], times: Int) async throws {
        for index in 0..<times {
            let deadline = ContinuousClock.now + .seconds(15)
            var response = try await TestHTTP.post(url, #"{"x": \#(index)}"#, headers: headers)
            while response.status == 503, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                response = try await TestHTTP.post(url, #"{"x": \#(index)}"#, headers: headers)
            }
            #expect(response.status == 200, "\(response.status) \(response.text)")
        }
    }

    /// Polls `condition` (every 200 ms, up to 90 s).
    static func eventually(
        _ what: String, _ router: ChildProcess, condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("Timed out waiting until \(what).\nRouter log:\n\(router.stderr)")
        throw TestProcessError("Timed out waiting until \(what).")
    }

    /// `berth-router --feed` as a router Pod of attached cluster `aks-1` runs it, as a local
    /// process: the feed token from the cluster's Secret, replicas from the EndpointSlices of
    /// `default` through `kubeconfig`; its output under `folder/router`.
    static func startFeedRouter(
        server: BerthServer, double: RunningKubernetesAPIDouble, kubeconfig: URL, folder: TemporaryDirectory
    ) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["BERTH_FEED_TOKEN"] = try RouteFeedTests.feedToken(double)
        let logs = folder.appending("router")
        return try ChildProcess(
            executable: TestPaths.berthRouterExecutable,
            arguments: [
                "--feed", server.baseURL, "--compute", "aks-1", "--kubeconfig", kubeconfig.path,
                "--namespace", "default", "--port", "0", "--cluster-purpose", "DevTest", "--log-level", "debug",
            ],
            environment: environment, stdoutFile: logs.appendingPathComponent("out"),
            stderrFile: logs.appendingPathComponent("err"))
    }

}
