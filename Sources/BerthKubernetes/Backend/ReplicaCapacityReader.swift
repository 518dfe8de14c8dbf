import BerthBackends
import BerthCore
import Foundation

/// How many replicas of a deployment the cluster can hold now, from the Nodes' allocatable CPU
/// and memory minus what the Pods already placed on them request — the scheduler's resource fit,
/// so the autoscaler does not ask for replicas that would only stay Pending.
///
/// Per ready, schedulable node: the smaller of `floor(free CPU / CPU request of one replica)` and
/// `floor(free memory / memory request of one replica)` (a resource a replica does not request,
/// or a node does not report, does not limit), summed over nodes; the deployment's own Pods count
/// as its replicas, not as used resources.
public enum ReplicaCapacityReader {
    /// The capacity of deployment `service` (its `Deployment`), given a `NodeList` and a `PodList`
    /// of every namespace; nil when its Pods request neither CPU nor memory, or a ready node reports
    /// none of what they request (then nothing limits it here).
    public static func capacity(service: String, deployment: JSONValue, nodes: JSONValue, pods: JSONValue)
        -> ReplicaCapacity?
    {
        let spec = deployment["spec"]?["template"]?["spec"]
        let request = (cpu: cpuRequest(ofPodSpec: spec), memory: memoryRequest(ofPodSpec: spec))
        guard request.cpu > 0 || request.memory > 0 else { return nil }
        var fits = 0
        var free = (cpu: 0.0, memory: 0.0)
        var counted = 0
        for node in nodes["items"]?.arrayValue ?? [] {
            let conditions = node["status"]?["conditions"]?.arrayValue ?? []
            guard conditions.contains(where: { $0["type"] == "Ready" && $0["status"] == "True" }),
                node["spec"]?["unschedulable"] != true,
                let name = node["metadata"]?["name"]?.stringValue
            else { continue }
            counted += 1
            let others = (pods["items"]?.arrayValue ?? []).filter { pod in
                pod["spec"]?["nodeName"]?.stringValue == name && !isFinished(pod) && !isReplica(pod, of: service)
            }
            let allocatable = node["status"]?["allocatable"]
            let cpuLeft = max(
                0,
                (allocatable?["cpu"]?.stringValue.flatMap(ClusterCapacityCheck.cpuQuantity) ?? 0)
                    - others.map { cpuRequest(ofPodSpec: $0["spec"]) }.reduce(0, +))
            free.cpu += cpuLeft
            var nodeFits = Int.max
            if request.cpu > 0 { nodeFits = Int(((cpuLeft + 1e-9) / request.cpu).rounded(.down)) }
            if let memory = allocatable?["memory"]?.stringValue.flatMap(memoryQuantity) {
                let memoryLeft = max(0, memory - others.map { memoryRequest(ofPodSpec: $0["spec"]) }.reduce(0, +))
                free.memory += memoryLeft
                if request.memory > 0 { nodeFits = min(nodeFits, Int((memoryLeft / request.memory).rounded(.down))) }
            }
            // Neither resource limits this node (it reports no memory and replicas request no
            // CPU): the cluster's capacity is not known here, so it limits nothing.
            guard nodeFits != Int.max else { return nil }
            fits += nodeFits
        }
        let gib = 1024.0 * 1024 * 1024
        return ReplicaCapacity(
            maxReplicas: fits,
            explanation:
                "each replica requests \(ClusterCapacityCheck.format(request.cpu)) CPU and \(String(format: "%.2f", request.memory / gib)) GiB; "
                + "the cluster's \(counted) ready node\(counted == 1 ? "" : "s") have \(ClusterCapacityCheck.format(free.cpu)) CPU "
                + "and \(String(format: "%.2f", free.memory / gib)) GiB not requested by other Pods")
    }

    /// What the scheduler reserves for a Pod: the larger of its containers' summed CPU requests and
    /// its largest init container's.
    static func cpuRequest(ofPodSpec spec: JSONValue?) -> Double {
        podRequest(spec) { $0["resources"]?["requests"]?["cpu"]?.stringValue.flatMap(ClusterCapacityCheck.cpuQuantity) }
    }

    /// The same for memory, in bytes.
    static func memoryRequest(ofPodSpec spec: JSONValue?) -> Double {
        podRequest(spec) { $0["resources"]?["requests"]?["memory"]?.stringValue.flatMap(memoryQuantity) }
    }

    static func podRequest(_ spec: JSONValue?, _ request: (JSONValue) -> Double?) -> Double {
        let containers = (spec?["containers"]?.arrayValue ?? []).map { request($0) ?? 0 }.reduce(0, +)
        let initContainers = (spec?["initContainers"]?.arrayValue ?? []).map { request($0) ?? 0 }.max() ?? 0
        return max(containers, initContainers)
    }

    /// A memory quantity in bytes: `"1536Mi"`, `"2Gi"`, `"1G"`, `"129e6"`, `"1000"`.
    public static func memoryQuantity(_ text: String) -> Double? {
        let suffixes: [(String, Double)] = [
            ("Ki", 1024), ("Mi", 1024 * 1024), ("Gi", 1024 * 1024 * 1024), ("Ti", 1024 * 1024 * 1024 * 1024),
            ("k", 1e3), ("M", 1e6), ("G", 1e9), ("T", 1e12), ("m", 1e-3),
        ]
        for (suffix, scale) in suffixes where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return Double(text)
    }

    static func isFinished(_ pod: JSONValue) -> Bool {
        pod["status"]?["phase"] == "Succeeded" || pod["status"]?["phase"] == "Failed"
    }

    static func isReplica(_ pod: JSONValue, of service: String) -> Bool {
        pod["metadata"]?["labels"]?[ManifestLabels.component] == "replica"
            && pod["metadata"]?["labels"]?[ManifestLabels.service]?.stringValue == service
    }
}
