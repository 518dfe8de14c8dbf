import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthKubernetesDouble
import Testing

/// A real API server reports an expired `resourceVersion` inside a 200 watch stream (an `ERROR`
/// event whose object is a `Status` with code 410), not as the HTTP status. Watchers must list
/// again on it as on an HTTP 410.
@Suite(.validatesSentObjects)
struct WatchExpiryTests {
    @Test("A watch from a compacted resourceVersion ends with an in-stream 410, read as .gone", .timeLimit(.minutes(1)))
    func inStreamExpiry() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            let client = try double.client()
            let list = try await client.list(.configMaps, namespace: "default")
            let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            try await client.create(KubernetesClientTests.configMap("later"))
            double.expireWatches(forgettingHistory: true)
            let error = await #expect(throws: KubernetesError.self) {
                try await client.watch(.configMaps, namespace: "default", resourceVersion: version) { _ in true }
            }
            #expect(error?.code == .gone, "\(String(describing: error))")
            #expect(double.requestLog.contains { $0.hasPrefix("GET /api/v1/namespaces/default/configmaps?watch=true") })
        }
    }

    @Test(
        "The replica watcher lists again after an in-stream 410 and sees what changed meanwhile",
        .timeLimit(.minutes(1)))
    func watcherRelists() async throws {
        try await KubernetesAPIDouble.withRunning(.init(nodes: [.init(name: "n1", cpu: "8")])) { double in
            let client = try double.client(namespace: "default")
            let watch = ReplicaWatch()
            let backend = KubernetesBackend(client: client, watch: watch) { spec in
                var workload = ManifestSamples.workload(gpu: 0)
                workload.spec = spec
                workload.namespace = "default"
                return workload
            }
            let watcher = ReplicaWatcher(client: client, watch: watch, clock: ContinuousClock(), watchSeconds: 30)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run() }
                try await backend.apply(ManifestSamples.spec(replicas: 2))
                let synced = try await PodRunnerTests.waitFor {
                    guard case .found(let status, _) = watch.lookup(deployment: "diabetes") else { return false }
                    return status.replicas.count == 2
                }
                #expect(synced)
                let listsBefore = double.requestLog.filter {
                    $0.hasPrefix("GET /api/v1/pods?") && !$0.contains("watch=true")
                }
                double.expireWatches(forgettingHistory: true)
                try await client.scaleDeployment(namespace: "default", name: "berth-diabetes", replicas: 1)
                let followed = try await PodRunnerTests.waitFor {
                    guard case .found(let status, _) = watch.lookup(deployment: "diabetes") else { return false }
                    return status.desiredReplicas == 1 && status.replicas.count == 1
                }
                #expect(followed)
                let listsAfter = double.requestLog.filter {
                    $0.hasPrefix("GET /api/v1/pods?") && !$0.contains("watch=true")
                }
                #expect(listsAfter.count > listsBefore.count, "the watcher did not list Pods again")
                group.cancelAll()
            }
        }
    }
}
