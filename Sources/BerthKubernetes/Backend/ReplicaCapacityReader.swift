import BerthBackends
import BerthCore

/// How many replicas of a deployment the cluster can hold now, from the Nodes' allocatable CPU
/// minus the CPU requested by the Pods already placed on them — the scheduler's resource fit, so
/// the autoscaler does not ask for replicas that would only stay Pending.
///
/// Per ready, schedulable node: `floor((allocatable − requests of other Pods) / request of one
/// replica)`, summed over nodes; the deployment's own Pods count as its replicas, not as used CPU.
public enum ReplicaCapacityReader {
    /// The capacity of deployment `service` (its `Deployment`), given a `NodeList` and a `PodList`
    /// of every namespace; nil when its Pods request no CPU (then nothing limits it here).
    public static func capacity(service: String, deployment: JSONValue, nodes: JSONValue, pods: JSONValue)
        -> ReplicaCapacity?
    {
        let request = cpuRequest(ofPodSpec: deployment["spec"]?["template"]?["spec"])
        guard request > 0 else { return nil }
        var fits = 0
        var free = 0.0
        var counted = 0
        for node in nodes["items"]?.arrayValue ?? [] {
            let conditions = node["status"]?["conditions"]?.arrayValue ?? []
            guard conditions.contains(where: { $0["type"] == "Ready" && $0["status"] == "True" }),
                node["spec"]?["unschedulable"] != true,
                let name = node["metadata"]?["name"]?.stringValue
            else { continue }
            counted += 1
            let allocatable = node["status"]?["allocatable"]?["cpu"]?.stringValue.flatMap(ClusterCapacityCheck.cpuQuantity) ?? 0
            let used = (pods["items"]?.arrayValue ?? []).filter { pod in
                pod["spec"]?["nodeName"]?.stringValue == name && !isFinished(pod) && !isReplica(pod, of: service)
            }.map { cpuRequest(ofPodSpec: $0["spec"]) }.reduce(0, +)
            let left = max(0, allocatable - used)
            free += left
            fits += Int(((left + 1e-9) / request).rounded(.down))
        }
        return ReplicaCapacity(
            maxReplicas: fits,
            explanation:
                "each replica requests \(ClusterCapacityCheck.format(request)) CPU; the cluster's \(counted) ready node\(counted == 1 ? "" : "s") have \(ClusterCapacityCheck.format(free)) CPU not requested by other Pods"
        )
    }

    /// What the scheduler reserves for a Pod: the larger of its containers' summed CPU requests and
    /// its largest init container's.
    static func cpuRequest(ofPodSpec spec: JSONValue?) -> Double {
        func request(_ container: JSONValue) -> Double {
            container["resources"]?["requests"]?["cpu"]?.stringValue.flatMap(ClusterCapacityCheck.cpuQuantity) ?? 0
        }
        let containers = (spec?["containers"]?.arrayValue ?? []).map(request).reduce(0, +)
        let initContainers = (spec?["initContainers"]?.arrayValue ?? []).map(request).max() ?? 0
        return max(containers, initContainers)
    }

    static func isFinished(_ pod: JSONValue) -> Bool {
        pod["status"]?["phase"] == "Succeeded" || pod["status"]?["phase"] == "Failed"
    }

    static func isReplica(_ pod: JSONValue, of service: String) -> Bool {
        pod["metadata"]?["labels"]?[ManifestLabels.component] == "replica"
            && pod["metadata"]?["labels"]?[ManifestLabels.service]?.stringValue == service
    }
}
