import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// Lists go in pages (`limit`, then `continue`), as kubectl's do, so a cluster-wide Pod list of
/// a large cluster neither outgrows the client's body limit nor holds the API server to one answer.
@Suite(.validatesSentObjects)
struct ListPaginationTests {
    static func pod(_ name: String, namespace: String) -> JSONValue {
        [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": ["name": .string(name), "namespace": .string(namespace), "labels": ["app": "x"]],
            "spec": ["containers": [["name": "c", "image": "i"]]],
        ]
    }

    @Test(
        "The double pages a list when limit is given, and its continue token leads to the rest", .timeLimit(.minutes(1))
    )
    func doublePages() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            var client = try double.client()
            for index in 0..<5 { try await client.create(Self.pod("p\(index)", namespace: "default")) }
            client.listPageSize = 1_000
            let whole = try await client.list(.pods, namespace: nil)
            #expect(whole["items"]?.arrayValue?.count == 5)
            #expect(whole["metadata"]?["continue"] == nil)
            let query = double.requestLog.last { $0.hasPrefix("GET /api/v1/pods?") }
            #expect(query?.contains("limit=1000") == true, "\(query ?? "")")
        }
    }

    @Test(
        "A cluster-wide Pod list reads every page and keeps the first page's resourceVersion", .timeLimit(.minutes(1)))
    func clientFollowsContinue() async throws {
        try await KubernetesAPIDouble.withRunning(.init(namespaces: ["default", "kube-system", "team-a"])) { double in
            var client = try double.client()
            client.listPageSize = 3
            for index in 0..<4 { try await client.create(Self.pod("a\(index)", namespace: "default")) }
            for index in 0..<4 { try await client.create(Self.pod("b\(index)", namespace: "team-a")) }
            let before = double.requestLog.count
            let list = try await client.list(.pods, namespace: nil, labelSelector: "app=x")
            let names = (list["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
            #expect(names == ["a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3"])
            #expect(list["metadata"]?["continue"] == nil)
            let pages = double.requestLog.dropFirst(before).filter { $0.hasPrefix("GET /api/v1/pods?") }
            #expect(pages.count == 3, "\(pages)")
            #expect(pages.allSatisfy { $0.contains("limit=3") })
            #expect(pages.dropFirst().allSatisfy { $0.contains("continue=") })
        }
    }

    @Test("The backend's capacity reading lists the cluster's Pods in pages", .timeLimit(.minutes(1)))
    func capacityPaginates() async throws {
        try await KubernetesAPIDouble.withRunning(.init(nodes: [.init(name: "n1", cpu: "8")])) { double in
            var client = try double.client(namespace: "default")
            client.listPageSize = 2
            for index in 0..<5 { try await client.create(Self.pod("other\(index)", namespace: "kube-system")) }
            let backend = KubernetesBackend(client: client) { spec in
                var workload = ManifestSamples.workload(gpu: 0)
                workload.spec = spec
                workload.namespace = "default"
                return workload
            }
            try await backend.apply(ManifestSamples.spec(replicas: 1))
            #expect(await backend.replicaCapacity(ofDeployment: "diabetes") != nil)
            let podLists = double.requestLog.filter { $0.hasPrefix("GET /api/v1/pods?") }
            #expect(podLists.count >= 3, "\(podLists)")
            #expect(podLists.allSatisfy { $0.contains("limit=2") })
        }
    }
}
