import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import BerthRouterFeed
import BerthTesting
import Foundation
import Testing

/// A deployment whose config names another namespace than the attachment's: deploy gives the
/// router read access there, the feed names the namespace, and `berth-router --feed` watches its
/// EndpointSlices too; the last deployment there takes the access away again.
@Suite(.validatesSentObjects)
struct RouterNamespacesTests {
    @Test("The merger takes a service's replicas from the slices of its own namespace")
    func mergerByNamespace() throws {
        var merger = FeedRouteMerger(source: .endpointSlices, defaultNamespace: "default")
        let table = RouteTable(
            generation: 1,
            services: [
                "a": ServiceRoute(name: "a", authEnabled: false),
                "b": ServiceRoute(name: "b", authEnabled: false, namespace: "team-b"),
            ])
        _ = merger.receive(feed: table)
        #expect(merger.namespaces == ["default", "team-b"])
        func slice(_ service: String, _ pod: String, _ namespace: String) -> SliceEndpoints {
            SliceEndpoints(
                service: service, replicas: [ReplicaEndpoint(id: pod, host: "10.0.0.1", port: 5001)],
                namespace: namespace)
        }
        _ = merger.replaceSlices(
            ["default/a1": slice("a", "a-1", "default"), "default/b0": slice("b", "b-stale", "default")],
            namespace: "default")
        let afterTeamB = merger.replaceSlices(["team-b/b1": slice("b", "b-1", "team-b")], namespace: "team-b")
        let merged = try #require(afterTeamB)
        #expect(merged.services["a"]?.replicas.map(\.id) == ["a-1"])
        #expect(merged.services["b"]?.replicas.map(\.id) == ["b-1"], "only team-b's slices count for b")
        // A re-list of one namespace leaves the other's slices alone.
        let afterRelist = merger.replaceSlices([:], namespace: "default")
        let relisted = try #require(afterRelist)
        #expect(relisted.services["a"]?.replicas == [])
        #expect(relisted.services["b"]?.replicas.map(\.id) == ["b-1"])
    }

    @Test("A deployment in a second namespace gets the router's Role there and is routed to", .timeLimit(.minutes(6)))
    func secondNamespace() async throws {
        let folder = try TemporaryDirectory("berth-k8s-namespaces")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let server = try await BerthServer.start(home: folder.appending("home"))
            var router: ChildProcess?
            do {
                try await journey(double: double, server: server, folder: folder, router: &router)
            } catch {
                if let router { _ = await router.terminate() }
                _ = await server.stop()
                throw error
            }
            if let router {
                let exit = await router.terminate()
                #expect(!exit.isSignal && exit.code == 0, "\(exit)\n\(router.stderr)")
            }
            _ = await server.stop()
        }
    }

    func journey(
        double: RunningKubernetesAPIDouble, server: BerthServer, folder: TemporaryDirectory, router: inout ChildProcess?
    )
        async throws
    {
        @discardableResult
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: server.home)
        }
        let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
        try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
        try await berth("model", "register", "-n", "echo-model", "-p", model.path)
        let config = try folder.write(
            Data(#"{"computeType": "aks", "authEnabled": false, "numReplicas": 1, "namespace": "team-b"}"#.utf8),
            to: "deploymentconfig.json")
        let ic = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
        try await berth(
            "model", "deploy", "-n", "echo-b", "-m", "echo-model:1", "--ic", ic, "--dc", config.path, "--ct", "aks-1")

        // The router's read access in team-b: exactly EndpointSlices and Pods, for its account.
        let role = try #require(double.object(kind: "Role", namespace: "team-b", name: "berth-router"))
        let resources = (role["rules"]?.arrayValue ?? []).flatMap { $0["resources"]?.arrayValue ?? [] }
        #expect(Set(resources.compactMap(\.stringValue)) == ["endpointslices", "pods"])
        #expect(role["rules"]?.arrayValue?.allSatisfy { $0["verbs"] == ["get", "list", "watch"] } == true)
        let binding = try #require(double.object(kind: "RoleBinding", namespace: "team-b", name: "berth-router"))
        #expect(binding["subjects"]?.arrayValue?.first?["namespace"] == "berth-system")
        #expect(binding["subjects"]?.arrayValue?.first?["name"] == "berth-router")

        // The router, watching the attachment's namespace (default) as its Pod would.
        let process = try ClusterRouterEndToEndTests.startFeedRouter(
            server: server, double: double, kubeconfig: kubeconfig, folder: folder)
        router = process
        let base = try await process.listeningAddress()
        let pods = Set(
            double.objects(kind: "Pod").filter { $0["metadata"]?["namespace"] == "team-b" }
                .compactMap { $0["metadata"]?["name"]?.stringValue })
        #expect(pods.count == 1)
        try await ClusterRouterEndToEndTests.eventually("the router routes to the Pod in team-b", process) {
            ClusterRouterEndToEndTests.lastReplicas(process, service: "echo-b") == pods
        }
        #expect(process.stderr.contains("team-b"), "the router watches team-b: \(process.stderr)")
        try await ClusterRouterEndToEndTests.expectScores(
            "\(base)/api/v1/service/echo-b/score", headers: [("Content-Type", "application/json")], times: 3)

        // The last deployment in team-b goes: so does the router's access there.
        try await berth("service", "delete", "-n", "echo-b")
        #expect(
            try await PodRunnerTests.waitFor {
                double.object(kind: "Role", namespace: "team-b", name: "berth-router") == nil
                    && double.object(kind: "RoleBinding", namespace: "team-b", name: "berth-router") == nil
            })
        try await berth("computetarget", "detach", "-n", "aks-1")
    }
}
