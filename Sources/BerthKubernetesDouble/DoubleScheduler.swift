import BerthCore

/// Places Pods on the double's Nodes by CPU requests, as the scheduler's resource fit does, and
/// words a refusal as the scheduler does ("0/2 nodes are available: 2 Insufficient cpu.").
enum DoubleScheduler {
    /// The node for `pod`, or the scheduler's message when none fits.
    static func place(_ pod: JSONValue, nodes: [JSONValue], scheduled: [JSONValue]) -> Result<String, Refusal> {
        let request = cpuRequest(of: pod)
        var notReady = 0
        var insufficient = 0
        for node in nodes {
            let name = node["metadata"]?["name"]?.stringValue ?? ""
            let ready = (node["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
            guard ready else {
                notReady += 1
                continue
            }
            let allocatable = node["status"]?["allocatable"]?["cpu"]?.stringValue.flatMap(cpu) ?? 0
            let used = scheduled.filter { $0["spec"]?["nodeName"]?.stringValue == name }.map(cpuRequest).reduce(0, +)
            if used + request <= allocatable + 1e-9 { return .success(name) }
            insufficient += 1
        }
        var reasons: [String] = []
        if insufficient > 0 { reasons.append("\(insufficient) Insufficient cpu") }
        if notReady > 0 { reasons.append("\(notReady) node(s) had untolerated taint {node.kubernetes.io/not-ready: }") }
        let joined = reasons.joined(separator: ", ")
        return .failure(Refusal(message: "0/\(nodes.count) nodes are available: \(joined)."))
    }

    struct Refusal: Error {
        var message: String
    }

    static func cpuRequest(of pod: JSONValue) -> Double {
        (pod["spec"]?["containers"]?.arrayValue ?? []).map { container in
            container["resources"]?["requests"]?["cpu"]?.stringValue.flatMap(cpu) ?? 0
        }.reduce(0, +)
    }

    /// `"4"` → 4, `"250m"` → 0.25.
    static func cpu(_ text: String) -> Double? {
        text.hasSuffix("m") ? Double(text.dropLast()).map { $0 / 1000 } : Double(text)
    }
}
