import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import Testing

/// The autoscaler's capacity limit on Kubernetes: nodes' allocatable CPU minus other Pods' requests.
@Suite(.validatesSentObjects)
struct ReplicaCapacityTests {
    @Test("Capacity counts free CPU per node, leaves the deployment's own Pods out, and skips nodes not ready")
    func fromObjects() throws {
        func node(_ name: String, cpu: String, ready: Bool = true) -> JSONValue {
            [
                "metadata": ["name": .string(name)],
                "status": [
                    "allocatable": ["cpu": .string(cpu)],
                    "conditions": [["type": "Ready", "status": ready ? "True" : "False"]],
                ],
            ]
        }
        func pod(_ service: String, node: String, cpu: String, phase: String = "Running") -> JSONValue {
            [
                "metadata": [
                    "labels": [ManifestLabels.component: "replica", ManifestLabels.service: .string(service)]
                ],
                "spec": [
                    "nodeName": .string(node), "containers": [["resources": ["requests": ["cpu": .string(cpu)]]]],
                ],
                "status": ["phase": .string(phase)],
            ]
        }
        let deployment = ReplicaManifests.deployment(ManifestSamples.workload(gpu: 0))  // 250m per replica
        let nodes: JSONValue = [
            "items": [node("a", cpu: "1"), node("b", cpu: "1900m"), node("c", cpu: "8", ready: false)]
        ]
        let pods: JSONValue = [
            "items": [
                pod("other", node: "a", cpu: "600m"), pod("diabetes", node: "a", cpu: "250m"),
                pod("other", node: "b", cpu: "1", phase: "Succeeded"), pod("other", node: "b", cpu: "400m"),
            ]
        ]
        let capacity = try #require(
            ReplicaCapacityReader.capacity(service: "diabetes", deployment: deployment, nodes: nodes, pods: pods))
        // a: 0.4 free → 1; b: 1.5 free → 6; c is not ready.
        #expect(capacity.maxReplicas == 7)
        #expect(capacity.explanation.contains("each replica requests 0.25 CPU"), "\(capacity.explanation)")
        #expect(capacity.explanation.contains("2 ready nodes have 1.90 CPU"), "\(capacity.explanation)")
    }

    @Test("A replica that does not fit by memory is not capacity, whatever the CPU")
    func memoryCounts() throws {
        func node(_ name: String, cpu: String, memory: String) -> JSONValue {
            [
                "metadata": ["name": .string(name)],
                "status": [
                    "allocatable": ["cpu": .string(cpu), "memory": .string(memory)],
                    "conditions": [["type": "Ready", "status": "True"]],
                ],
            ]
        }
        let other: JSONValue = [
            "metadata": ["labels": [:]],
            "spec": ["nodeName": "a", "containers": [["resources": ["requests": ["cpu": "100m", "memory": "2Gi"]]]]],
            "status": ["phase": "Running"],
        ]
        // 250m and 1536Mi per replica: a has 8 CPUs but 6Gi − 2Gi = 4Gi free → 2; b has 4Gi and
        // 500m → 2 by CPU.
        let deployment = ReplicaManifests.deployment(ManifestSamples.workload(gpu: 0))
        let nodes: JSONValue = ["items": [node("a", cpu: "8", memory: "6Gi"), node("b", cpu: "500m", memory: "4Gi")]]
        let capacity = try #require(
            ReplicaCapacityReader.capacity(
                service: "diabetes", deployment: deployment, nodes: nodes, pods: ["items": [other]]))
        #expect(capacity.maxReplicas == 4, "\(capacity.explanation)")
        #expect(capacity.explanation.contains("1.50 GiB"), "\(capacity.explanation)")
        #expect(ReplicaCapacityReader.memoryQuantity("1536Mi") == 1_610_612_736.0)
        #expect(ReplicaCapacityReader.memoryQuantity("1G") == 1e9)
        #expect(ReplicaCapacityReader.memoryQuantity("129e6") == 129e6)
    }

    @Test("The backend reads the capacity from the double's Nodes and Pods", .timeLimit(.minutes(1)))
    func fromTheDouble() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [
            .init(name: "n1", cpu: "1"), .init(name: "n2", cpu: "2"),
        ])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let backend = try KubernetesBackendTests.backend(double)
            var other = ManifestSamples.spec(replicas: 2)
            other.name = "other"
            other.cpu = 0.5
            try await backend.apply(other)
            try await backend.apply(ManifestSamples.spec(replicas: 1))
            let placed = try await PodRunnerTests.waitFor {
                double.objects(kind: "Pod").filter { $0["spec"]?["nodeName"] != nil }.count == 3
            }
            #expect(placed)
            // n1 holds both 0.5-CPU Pods of 'other'; n2 has 2 CPU for 'diabetes' at 0.25 each.
            let capacity = try #require(await backend.replicaCapacity(ofDeployment: "diabetes"))
            #expect(capacity.maxReplicas == 8, "\(capacity)")
            #expect(await backend.replicaCapacity(ofDeployment: "unknown") == nil)
        }
    }

    @Test("A node that reports none of what a replica requests leaves the capacity unlimited, not zero")
    func unreportedResourceDoesNotLimit() {
        let memoryOnly: JSONValue = [
            "spec": ["template": ["spec": ["containers": [["resources": ["requests": ["memory": "1Gi"]]]]]]]
        ]
        func node(_ name: String, memory: String?) -> JSONValue {
            var allocatable: [String: JSONValue] = ["cpu": "2"]
            if let memory { allocatable["memory"] = .string(memory) }
            return [
                "metadata": ["name": .string(name)],
                "status": ["allocatable": .object(allocatable), "conditions": [["type": "Ready", "status": "True"]]],
            ]
        }
        let pods: JSONValue = ["items": []]
        let reported: JSONValue = ["items": [node("a", memory: "4Gi")]]
        #expect(
            ReplicaCapacityReader.capacity(service: "s", deployment: memoryOnly, nodes: reported, pods: pods)?
                .maxReplicas == 4)
        let unreported: JSONValue = ["items": [node("a", memory: "4Gi"), node("b", memory: nil)]]
        #expect(
            ReplicaCapacityReader.capacity(service: "s", deployment: memoryOnly, nodes: unreported, pods: pods) == nil)
    }
}
