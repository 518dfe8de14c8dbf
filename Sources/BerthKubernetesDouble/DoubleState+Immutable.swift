import BerthCore

/// Fields a real API server fills in on create and will not let an update change, for the kinds
/// Berth writes: a Deployment's `spec.selector` (and it must select the template's labels), a
/// Service's `spec.clusterIP`/`clusterIPs` (allocated on create; an update that leaves them out
/// keeps them, as do node ports), a RoleBinding's `roleRef` and a Secret's `type`. A change is
/// refused with 422 `Invalid` and the API server's wording.
extension DoubleState {
    /// What the server adds on create: a Service's cluster IP and node ports.
    mutating func allocated(_ kind: DoubleKind, _ members: [String: JSONValue]) -> [String: JSONValue] {
        guard kind.kind == "Service", case .object(var spec) = members["spec"] ?? .object([:]) else { return members }
        var members = members
        let type = spec["type"]?.stringValue ?? "ClusterIP"
        guard type != "ExternalName" else { return members }
        spec["type"] = .string(type)
        let clusterIP = spec["clusterIP"]?.stringValue ?? ""
        if clusterIP.isEmpty {
            allocatedServices += 1
            let address = "10.96.\(allocatedServices / 250).\(allocatedServices % 250 + 2)"
            spec["clusterIP"] = .string(address)
            spec["clusterIPs"] = [.string(address)]
        } else if spec["clusterIPs"] == nil {
            spec["clusterIPs"] = [.string(clusterIP)]
        }
        if type == "NodePort" || type == "LoadBalancer", case .array(var ports)? = spec["ports"] {
            for index in ports.indices where ports[index]["nodePort"] == nil {
                guard case .object(var port) = ports[index] else { continue }
                allocatedNodePorts += 1
                port["nodePort"] = .number(Double(30_000 + allocatedNodePorts % 2_768))
                ports[index] = .object(port)
            }
            spec["ports"] = .array(ports)
        }
        members["spec"] = .object(spec)
        return members
    }

    /// Checks an update of `current` to `members` and carries over what the update may leave out.
    static func checkImmutable(_ kind: DoubleKind, name: String, current: JSONValue, _ members: [String: JSONValue])
        throws(DoubleStatus) -> [String: JSONValue]
    {
        var members = members
        switch kind.kind {
        case "Deployment":
            if let before = current["spec"]?["selector"], members["spec"]?["selector"] != before {
                throw .invalid(
                    kind, name,
                    "spec.selector: Invalid value: \(members["spec"]?["selector"]?.canonicalJSON ?? "null"): field is immutable"
                )
            }
        case "Service":
            members = try keepAllocated(kind, name: name, current: current, members)
        case "RoleBinding", "ClusterRoleBinding":
            if let before = current["roleRef"], members["roleRef"] != before {
                throw .invalid(
                    kind, name,
                    "roleRef: Invalid value: \(members["roleRef"]?.canonicalJSON ?? "null"): cannot change roleRef")
            }
        case "Secret":
            let before = current["type"]?.stringValue ?? "Opaque"
            let after = members["type"]?.stringValue ?? "Opaque"
            if before != after {
                throw .invalid(kind, name, "type: Invalid value: \"\(after)\": field is immutable")
            }
        default:
            break
        }
        return members
    }

    /// A Deployment's selector must select its Pod template, and its rolling update may not have
    /// both `maxSurge` and `maxUnavailable` at 0 (on create and on every update).
    static func checkDeploymentSpec(_ kind: DoubleKind, name: String, _ body: JSONValue)
        throws(DoubleStatus)
    {
        guard kind.kind == "Deployment" else { return }
        let isZero: (JSONValue?) -> Bool = { value in
            value?.numberValue == 0 || value?.stringValue == "0%" || value?.stringValue == "0"
        }
        if let rolling = body["spec"]?["strategy"]?["rollingUpdate"], isZero(rolling["maxSurge"]),
            isZero(rolling["maxUnavailable"])
        {
            throw .invalid(
                kind, name,
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0")
        }
        let wanted = body["spec"]?["selector"]?["matchLabels"]?.objectValue ?? [:]
        let labels = body["spec"]?["template"]?["metadata"]?["labels"]?.objectValue ?? [:]
        guard body["spec"]?["selector"] != nil else {
            throw .invalid(kind, name, "spec.selector: Required value")
        }
        if wanted.isEmpty || wanted.contains(where: { labels[$0.key] != $0.value }) {
            throw .invalid(
                kind, name,
                "spec.template.metadata.labels: Invalid value: \(JSONValue.object(labels).canonicalJSON): `selector` does not match template `labels`"
            )
        }
    }

    /// An update of a Service may leave out the cluster IP and node ports (it keeps them), but
    /// not change them; a port new to the update gets its node port from `allocated` after this.
    private static func keepAllocated(
        _ kind: DoubleKind, name: String, current: JSONValue, _ members: [String: JSONValue]
    ) throws(DoubleStatus) -> [String: JSONValue] {
        guard case .object(var spec) = members["spec"] ?? .object([:]), let old = current["spec"] else {
            return members
        }
        var members = members
        let before = old["clusterIP"]?.stringValue ?? ""
        let sent = [spec["clusterIP"]?.stringValue, spec["clusterIPs"]?.arrayValue?.first?.stringValue]
            .compactMap { $0 }.filter { !$0.isEmpty }
        if !before.isEmpty {
            if let changed = sent.first(where: { $0 != before }) {
                throw .invalid(kind, name, "spec.clusterIPs[0]: Invalid value: \"\(changed)\": may not change once set")
            }
            spec["clusterIP"] = old["clusterIP"]
            spec["clusterIPs"] = old["clusterIPs"] ?? [.string(before)]
        }
        if case .array(var ports)? = spec["ports"], let oldPorts = old["ports"]?.arrayValue,
            ["NodePort", "LoadBalancer"].contains(spec["type"]?.stringValue ?? "ClusterIP")
        {
            for index in ports.indices where ports[index]["nodePort"] == nil {
                guard case .object(var port) = ports[index],
                    let previous = oldPorts.first(where: { $0["port"] == port["port"] })?["nodePort"]
                else { continue }
                port["nodePort"] = previous
                ports[index] = .object(port)
            }
            spec["ports"] = .array(ports)
        }
        members["spec"] = .object(spec)
        return members
    }
}
