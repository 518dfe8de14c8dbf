import BerthCore
import BerthKubernetesAPI
import Foundation

/// How much CPU a cluster offers, from its Node objects: the sum of `status.allocatable.cpu` over
/// nodes whose `Ready` condition is `True` (what the scheduler can place Pods on).
public enum ClusterCapacityCheck {
    /// Allocatable vCPUs over ready nodes of a `NodeList`, and how many nodes counted.
    public static func allocatableCores(nodes: JSONValue) -> (cores: Double, readyNodes: Int, allNodes: Int) {
        let items = nodes["items"]?.arrayValue ?? []
        var cores = 0.0
        var ready = 0
        for node in items {
            let conditions = node["status"]?["conditions"]?.arrayValue ?? []
            guard conditions.contains(where: { $0["type"] == "Ready" && $0["status"] == "True" }) else { continue }
            ready += 1
            cores += node["status"]?["allocatable"]?["cpu"]?.stringValue.flatMap(cpuQuantity) ?? 0
        }
        return (cores, ready, items.count)
    }

    /// A CPU quantity in cores: `"4"` → 4, `"3500m"` → 3.5, `"1.5"` → 1.5, `"250000000n"` → 0.25.
    public static func cpuQuantity(_ text: String) -> Double? {
        let suffixes: [(String, Double)] = [("m", 1e-3), ("u", 1e-6), ("n", 1e-9), ("k", 1e3)]
        for (suffix, scale) in suffixes where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return Double(text)
    }

    /// Refuses a cluster below the purpose's minimum, with the numbers.
    public static func check(cores: Double, readyNodes: Int, allNodes: Int, purpose: ClusterPurpose) throws {
        guard cores + 1e-9 >= purpose.minimumCores else {
            throw KubernetesError(
                .refused,
                "The cluster has \(format(cores)) allocatable vCPUs on \(readyNodes) ready node\(readyNodes == 1 ? "" : "s") (of \(allNodes)); a \(purpose.rawValue) cluster needs at least \(format(purpose.minimumCores)). Add nodes, or attach it with --cluster-purpose DevTest (≥ 2 vCPUs) for testing."
            )
        }
    }

    static func format(_ cores: Double) -> String {
        cores == cores.rounded() ? String(Int(cores)) : String(format: "%.2f", cores)
    }
}
