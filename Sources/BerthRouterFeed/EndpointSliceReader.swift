import BerthCore

/// Reads a `discovery.k8s.io/v1` EndpointSlice as the router needs it: which Berth service it
/// serves (label `kubernetes.io/service-name: berth-NAME`) and its ready endpoints on the
/// replica port.
public enum EndpointSliceReader {
    /// The label the EndpointSlice controller puts on each slice of a Service.
    public static let serviceNameLabel = "kubernetes.io/service-name"
    /// Berth's replica Services are `berth-<service>`.
    public static let servicePrefix = "berth-"
    /// The replica Service's port name.
    public static let portName = "http"

    /// The slice's name, service and ready endpoints; nil for a slice of another Service or one
    /// without a usable port.
    ///
    /// An endpoint routes when `conditions.ready` is true or absent (Kubernetes: "consumers should
    /// interpret this unknown state as ready") and it is not terminating.
    public static func read(_ slice: JSONValue) -> (name: String, endpoints: SliceEndpoints)? {
        guard let name = slice["metadata"]?["name"]?.stringValue,
            let serviceName = slice["metadata"]?["labels"]?[serviceNameLabel]?.stringValue,
            serviceName.hasPrefix(servicePrefix), serviceName.count > servicePrefix.count
        else { return nil }
        let service = String(serviceName.dropFirst(servicePrefix.count))
        let ports = slice["ports"]?.arrayValue ?? []
        guard let portValue = (ports.first { $0["name"]?.stringValue == portName } ?? ports.first)?["port"]?.numberValue,
            portValue > 0
        else { return (name, SliceEndpoints(service: service, replicas: [])) }
        let port = Int(portValue)
        var replicas: [ReplicaEndpoint] = []
        for endpoint in slice["endpoints"]?.arrayValue ?? [] {
            let conditions = endpoint["conditions"]
            guard conditions?["ready"]?.boolValue ?? true, conditions?["terminating"]?.boolValue != true,
                let address = endpoint["addresses"]?.arrayValue?.first?.stringValue
            else { continue }
            let id = endpoint["targetRef"]?["name"]?.stringValue ?? "\(address):\(port)"
            replicas.append(ReplicaEndpoint(id: id, host: address, port: port))
        }
        return (name, SliceEndpoints(service: service, replicas: replicas))
    }
}
