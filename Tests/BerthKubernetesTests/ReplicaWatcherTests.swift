import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import Testing

/// The watcher against the API double: status comes from `watch=true` streams, not list calls.
@Suite(.validatesSentObjects)
struct ReplicaWatcherTests {
    @Test("Status follows the watch: Unschedulable with the scheduler's message, a scale, a delete", .timeLimit(.minutes(1)))
    func followsTheCluster() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "1")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let client = try double.client(namespace: "default")
            let watch = ReplicaWatch()
            let backend = KubernetesBackend(client: client, watch: watch) { spec in
                var workload = ManifestSamples.workload(gpu: 0)
                workload.spec = spec
                workload.namespace = spec.namespace ?? "default"
                return workload
            }
            let watcher = ReplicaWatcher(client: client, watch: watch, clock: ContinuousClock(), watchSeconds: 5)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run() }
                var spec = ManifestSamples.spec(replicas: 5)
                spec.namespace = "team-a"
                try await backend.apply(spec)
                let unschedulable = try await PodRunnerTests.waitFor {
                    guard case .found(let status, _) = watch.lookup(deployment: "diabetes") else { return false }
                    return status.unschedulable != nil && status.replicas.count == 5
                }
                #expect(unschedulable)
                let status = try #require(await backend.status(ofDeployment: "diabetes"))
                #expect(status.unschedulable?.hasSuffix("0/1 nodes are available: 1 Insufficient cpu.") == true, "\(status)")

                try await backend.scale(deploymentNamed: "diabetes", to: 1)
                let scaled = try await PodRunnerTests.waitFor {
                    guard case .found(let status, _) = watch.lookup(deployment: "diabetes") else { return false }
                    return status.desiredReplicas == 1 && status.replicas.count == 1 && status.unschedulable == nil
                }
                #expect(scaled)

                await backend.remove(deploymentNamed: "diabetes")
                let gone = try await PodRunnerTests.waitFor { watch.lookup(deployment: "diabetes") == .missing }
                #expect(gone)
                group.cancelAll()
            }
        }
    }
}
