import BerthCore
import Foundation

/// What a real API server enforces beyond names, kept strict so a manifest or a sequence of calls
/// that a real cluster refuses is refused here too: label syntax, namespaces that linger while
/// they terminate, and watches that expire in the stream.
extension DoubleState {
    /// Refuses a label (in `metadata.labels`, a selector's `matchLabels`, a Pod template's labels,
    /// a Service's `spec.selector`) whose key or value a real API server would reject with 422.
    static func checkLabels(_ kind: DoubleKind, name: String, _ body: JSONValue) throws(DoubleStatus) {
        try checkLabelMaps(in: body, path: "", kind: kind, name: name)
    }

    private static func checkLabelMaps(in value: JSONValue, path: String, kind: DoubleKind, name: String)
        throws(DoubleStatus)
    {
        guard case .object(let members) = value else {
            if case .array(let items) = value {
                for (index, item) in items.enumerated() {
                    try checkLabelMaps(in: item, path: "\(path)[\(index)]", kind: kind, name: name)
                }
            }
            return
        }
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            let field = path.isEmpty ? key : "\(path).\(key)"
            // Data maps hold arbitrary keys, never labels.
            if ["data", "stringData", "binaryData", "annotations"].contains(key) { continue }
            let isLabelMap =
                key == "labels" || key == "matchLabels" || (kind.kind == "Service" && field == "spec.selector")
            if isLabelMap, case .object(let labels) = member {
                for (labelKey, labelValue) in labels.sorted(by: { $0.key < $1.key }) {
                    guard isLabelKey(labelKey) else {
                        throw .invalidLabel(kind, name, field: field, value: labelKey, isKey: true)
                    }
                    let text = labelValue.stringValue ?? ""
                    guard isLabelValue(text) else {
                        throw .invalidLabel(kind, name, field: "\(field)[\(labelKey)]", value: text, isKey: false)
                    }
                }
                continue
            }
            try checkLabelMaps(in: member, path: field, kind: kind, name: name)
        }
    }

    /// Refuses a `preStop` whose only handler is `sleep` when the double plays a server older
    /// than 1.30: such a server drops the field it does not know, and then finds no handler.
    func checkLifecycle(_ kind: DoubleKind, name: String, _ body: JSONValue) throws(DoubleStatus) {
        guard !serverHasSleepAction else { return }
        let (podSpec, path): (JSONValue?, String) =
            kind.kind == "Pod" ? (body["spec"], "spec") : (body["spec"]?["template"]?["spec"], "spec.template.spec")
        for (index, container) in (podSpec?["containers"]?.arrayValue ?? []).enumerated() {
            guard let preStop = container["lifecycle"]?["preStop"], preStop["sleep"] != nil,
                preStop["exec"] == nil, preStop["httpGet"] == nil, preStop["tcpSocket"] == nil
            else { continue }
            throw .invalid(
                kind, name,
                "\(path).containers[\(index)].lifecycle.preStop: Required value: must specify a handler type")
        }
    }

    /// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, at most 63 characters.
    static func isLabelValue(_ value: String) -> Bool {
        guard !value.isEmpty else { return true }
        let scalars = Array(value.unicodeScalars)
        let alphanumeric: (Unicode.Scalar) -> Bool = {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        }
        return scalars.count <= 63 && alphanumeric(scalars[0]) && alphanumeric(scalars[scalars.count - 1])
            && scalars.allSatisfy { alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// `[prefix/]name`: a DNS subdomain prefix, a non-empty name that is a label value.
    static func isLabelKey(_ key: String) -> Bool {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return !key.isEmpty && isLabelValue(key)
        case 2: return isDNSSubdomain(String(parts[0])) && !parts[1].isEmpty && isLabelValue(String(parts[1]))
        default: return false
        }
    }

    /// Starts deleting a namespace as Kubernetes does: it gets a `deletionTimestamp` and phase
    /// `Terminating`, its content goes, and it stays (refusing new content with 403, and a create
    /// of the same name with 409) until `finalizeNamespaces` removes it.
    mutating func terminate(namespace: JSONValue, key: DoubleObjectKey, now: Date) -> (JSONValue, Deliveries) {
        guard namespace["metadata"]?["deletionTimestamp"] == nil,
            case .object(var members) = namespace, case .object(var metadata)? = members["metadata"]
        else { return (namespace, []) }
        metadata["deletionTimestamp"] = .string(Self.timestamp(now))
        members["status"] = ["phase": "Terminating"]
        namespacesGoneAt[key.name] = now.addingTimeInterval(namespaceTerminationSeconds)
        var (stored, deliveries) = commit(key: key, members: members, metadata: metadata)
        for content in objects.keys.sorted() where content.namespace == key.name && content.plural != "namespaces" {
            guard let kind = DoubleKind.all.first(where: { $0.plural == content.plural }),
                objects[content] != nil,
                let deleted = try? delete(kind, namespace: content.namespace, name: content.name, force: true)
            else { continue }
            deliveries += deleted.1
        }
        stored = objects[key] ?? stored
        return (stored, deliveries)
    }

    /// Removes the `Terminating` namespaces whose time has come.
    mutating func finalizeNamespaces(now: Date) -> Deliveries {
        var deliveries: Deliveries = []
        for (name, goneAt) in namespacesGoneAt.sorted(by: { $0.key < $1.key }) where goneAt <= now {
            namespacesGoneAt[name] = nil
            if let deleted = try? delete(.namespace, namespace: nil, name: name, force: true) {
                deliveries += deleted.1
            }
        }
        return deliveries
    }

    /// Ends every open watch as a real API server does when its watch cache moved past them: an
    /// in-stream `ERROR` event whose object is a `Status` with code 410 (the HTTP status stays
    /// 200). With `forgettingHistory`, no watch can resume from an earlier version either.
    mutating func expireWatches(forgettingHistory: Bool) -> [AsyncStream<Event>.Continuation] {
        if forgettingHistory { history.removeAll() }
        let continuations = watchers.values.map(\.continuation)
        watchers.removeAll()
        return continuations
    }

    /// The `ERROR` event of an expired watch.
    static func expiredEvent(_ message: String) -> Event {
        Event(
            resourceVersion: 0, key: DoubleObjectKey(plural: "", namespace: "", name: ""), type: "ERROR",
            object: DoubleStatus.gone(message).body)
    }
}
