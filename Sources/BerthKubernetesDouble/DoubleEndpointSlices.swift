import BerthCore

/// The EndpointSlices the double publishes for a Service: one per ready or terminating Pod the Service selects
/// (each Pod has its own loopback address), labelled `kubernetes.io/service-name` as the
/// EndpointSlice controller labels them.
enum DoubleEndpointSlices {
    static let serviceLabel = "kubernetes.io/service-name"

    static func slices(service: JSONValue, pods: [JSONValue]) -> [JSONValue] {
        guard let serviceName = service["metadata"]?["name"]?.stringValue,
            let selector = service["spec"]?["selector"]?.objectValue, !selector.isEmpty
        else { return [] }
        let namespace = service["metadata"]?["namespace"] ?? "default"
        let selected = pods.filter { pod in
            let labels = pod["metadata"]?["labels"]?.objectValue ?? [:]
            return pod["metadata"]?["namespace"] == namespace && selector.allSatisfy { labels[$0.key] == $0.value }
        }
        let ports = (service["spec"]?["ports"]?.arrayValue ?? []).map { port -> JSONValue in
            let target = port["targetPort"] ?? port["port"] ?? 80
            return ["name": port["name"] ?? "", "protocol": "TCP", "port": containerPort(target, pods: selected)]
        }
        // A terminating Pod stays in its slice, `ready=false, terminating=true` (`serving` while its
        // readiness probe passes), as the EndpointSlice controller publishes it.
        let isTerminating = { (pod: JSONValue) in pod["metadata"]?["deletionTimestamp"] != nil }
        return selected.filter { DoubleDeploymentPlan.isReady($0) || isTerminating($0) }.compactMap { pod in
            guard let podName = pod["metadata"]?["name"]?.stringValue, let ip = pod["status"]?["podIP"] else { return nil }
            let conditions: JSONValue =
                isTerminating(pod)
                ? ["ready": false, "serving": .bool(DoubleDeploymentPlan.isReady(pod)), "terminating": true]
                : ["ready": true, "serving": true, "terminating": false]
            return [
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "addressType": "IPv4",
                "metadata": [
                    "name": .string("\(serviceName)-\(podName)"), "namespace": namespace,
                    "labels": .object([
                        serviceLabel: .string(serviceName),
                        "endpointslice.kubernetes.io/managed-by": "berth-kubernetes-double",
                    ]),
                ],
                "endpoints": [
                    ["addresses": [ip], "conditions": conditions, "targetRef": ["kind": "Pod", "name": .string(podName)]]
                ],
                "ports": .array(ports),
            ]
        }
    }

    /// A named target port resolved against the Pods' container ports.
    static func containerPort(_ target: JSONValue, pods: [JSONValue]) -> JSONValue {
        guard let name = target.stringValue else { return target }
        for pod in pods {
            for container in pod["spec"]?["containers"]?.arrayValue ?? [] {
                for port in container["ports"]?.arrayValue ?? [] where port["name"]?.stringValue == name {
                    return port["containerPort"] ?? 0
                }
            }
        }
        return 0
    }
}
