import BerthCore
import Foundation

/// The double's objects and watchers, as a pure state machine: each mutating call returns the
/// watch events to deliver, which `DoubleStore` sends after releasing its lock.
struct DoubleState: Sendable {
    struct Event: Sendable {
        var resourceVersion: Int
        var key: DoubleObjectKey
        var type: String
        var object: JSONValue
    }

    struct Watcher: Sendable {
        var plural: String
        var namespace: String?
        var selector: DoubleLabelSelector
        var continuation: AsyncStream<Event>.Continuation

        func wants(_ event: Event) -> Bool {
            event.key.plural == plural && (namespace == nil || namespace == event.key.namespace)
                && selector.matches(event.object)
        }
    }

    /// Events to send once the lock is released.
    typealias Deliveries = [(AsyncStream<Event>.Continuation, Event)]

    private(set) var resourceVersion = 0
    var objects: [DoubleObjectKey: JSONValue] = [:]
    var history: [Event] = []
    var watchers: [Int: Watcher] = [:]
    /// Seconds a deleted namespace stays `Terminating` before it is gone, as a real one does
    /// while its content is finalized (0: it goes at once).
    var namespaceTerminationSeconds: Double = 0
    /// Whether the served Kubernetes version takes the `sleep` preStop action (1.30+).
    var serverHasSleepAction = true
    /// When each `Terminating` namespace is finally removed.
    var namespacesGoneAt: [String: Date] = [:]
    private var nextWatcherID = 0
    /// Cluster IPs and node ports handed out so far (a Service's are allocated on create).
    var allocatedServices = 0
    var allocatedNodePorts = 0
    /// How many past events a watch may resume from; older resourceVersions get 410 Gone.
    static let historyLimit = 5000

    static func key(_ kind: DoubleKind, namespace: String?, name: String) -> DoubleObjectKey {
        DoubleObjectKey(plural: kind.plural, namespace: kind.isNamespaced ? (namespace ?? "") : "", name: name)
    }

    func object(_ kind: DoubleKind, namespace: String?, name: String) -> JSONValue? {
        objects[Self.key(kind, namespace: namespace, name: name)]
    }

    func list(_ kind: DoubleKind, namespace: String?, selector: DoubleLabelSelector) -> [JSONValue] {
        objects.keys.sorted().filter { key in
            key.plural == kind.plural && (namespace == nil || key.namespace == namespace)
        }.compactMap { objects[$0] }.filter(selector.matches)
    }

    mutating func create(_ kind: DoubleKind, namespace: String?, _ body: JSONValue, now: Date) throws(DoubleStatus)
        -> (JSONValue, Deliveries)
    {
        guard case .object(var members) = body, case .object(var metadata) = members["metadata"] ?? .object([:])
        else { throw DoubleStatus.badRequest("the body of the request was not an object") }
        guard let name = metadata["name"]?.stringValue, !name.isEmpty else {
            throw DoubleStatus.invalid(kind, "", "metadata.name: Required value: name or generateName is required")
        }
        guard Self.isDNSSubdomain(name) else {
            throw DoubleStatus.invalid(
                kind, name,
                "metadata.name: Invalid value: \"\(name)\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'"
            )
        }
        try Self.checkLabels(kind, name: name, body)
        try checkLifecycle(kind, name: name, body)
        try Self.checkDeploymentSpec(kind, name: name, body)
        if kind.isNamespaced {
            let bodyNamespace = metadata["namespace"]?.stringValue
            if let bodyNamespace, let namespace, bodyNamespace != namespace {
                throw DoubleStatus.badRequest(
                    "the namespace of the provided object does not match the namespace sent on the request")
            }
            guard let target = namespace ?? bodyNamespace else {
                throw DoubleStatus.badRequest("a namespaced object needs a namespace")
            }
            guard let home = object(.namespace, namespace: nil, name: target) else {
                throw DoubleStatus.notFound(.namespace, target)
            }
            if home["metadata"]?["deletionTimestamp"] != nil {
                throw DoubleStatus.namespaceTerminating(kind, name, namespace: target)
            }
            metadata["namespace"] = .string(target)
        }
        let key = Self.key(kind, namespace: metadata["namespace"]?.stringValue, name: name)
        guard objects[key] == nil else { throw DoubleStatus.alreadyExists(kind, name) }
        resourceVersion += 1
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["resourceVersion"] = .string(String(resourceVersion))
        metadata["creationTimestamp"] = .string(Self.timestamp(now))
        metadata["generation"] = 1
        members["metadata"] = .object(metadata)
        members["apiVersion"] = .string(kind.apiVersion)
        members["kind"] = .string(kind.kind)
        if kind.kind == "Secret" { Self.moveStringData(&members) }
        members = allocated(kind, members)
        let stored = JSONValue.object(members)
        objects[key] = stored
        return (stored, record(key: key, type: "ADDED", object: stored))
    }

    /// Replaces an object; a `resourceVersion` in the body must match the stored one.
    mutating func replace(_ kind: DoubleKind, namespace: String?, name: String, _ body: JSONValue)
        throws(DoubleStatus) -> (JSONValue, Deliveries)
    {
        let key = Self.key(kind, namespace: namespace, name: name)
        guard let current = objects[key] else { throw DoubleStatus.notFound(kind, name) }
        guard case .object(var members) = body, case .object(var metadata)? = members["metadata"] else {
            throw DoubleStatus.badRequest("the body of the request was not an object with metadata")
        }
        if let sent = metadata["resourceVersion"]?.stringValue,
            sent != current["metadata"]?["resourceVersion"]?.stringValue
        {
            throw DoubleStatus.conflict(kind, name)
        }
        try Self.checkLabels(kind, name: name, body)
        try checkLifecycle(kind, name: name, body)
        try Self.checkDeploymentSpec(kind, name: name, body)
        members = allocated(kind, try Self.checkImmutable(kind, name: name, current: current, members))
        guard metadata["name"]?.stringValue == name else {
            throw DoubleStatus.badRequest(
                "the name of the object (\(metadata["name"]?.stringValue ?? "")) does not match the name on the URL (\(name))"
            )
        }
        for field in ["uid", "creationTimestamp", "namespace", "generation"] {
            metadata[field] = current["metadata"]?[field]
        }
        if kind.kind != "Pod", members["spec"] != current["spec"] {
            metadata["generation"] = .number((current["metadata"]?["generation"]?.numberValue ?? 1) + 1)
        }
        // Status is the controller's: a replace of the object keeps it.
        if members["status"] == nil { members["status"] = current["status"] }
        if kind.kind == "Secret" { Self.moveStringData(&members) }
        return commit(key: key, members: members, metadata: metadata)
    }

    /// Applies a JSON merge patch (replace semantics for `status` included: the double's own
    /// controller patches status this way).
    mutating func patch(_ kind: DoubleKind, namespace: String?, name: String, _ patch: JSONValue)
        throws(DoubleStatus) -> (JSONValue, Deliveries)
    {
        guard let current = object(kind, namespace: namespace, name: name) else {
            throw DoubleStatus.notFound(kind, name)
        }
        var merged = JSONMergePatch.apply(patch, to: current)
        if case .object(var members) = merged, case .object(var metadata)? = members["metadata"] {
            metadata["name"] = current["metadata"]?["name"]
            metadata["uid"] = current["metadata"]?["uid"]
            metadata["namespace"] = current["metadata"]?["namespace"]
            metadata["resourceVersion"] = current["metadata"]?["resourceVersion"]
            members["metadata"] = .object(metadata)
            merged = .object(members)
        }
        return try replace(kind, namespace: namespace, name: name, merged)
    }

    /// Deletes an object and, in the background as Kubernetes' garbage collector does, what it
    /// owns (`ownerReferences`) and, for a namespace, what it holds.
    ///
    /// A Pod the kubelet runs (it has a `podIP`) is deleted gracefully, as Kubernetes does: it
    /// gets a `deletionTimestamp` (now + its `terminationGracePeriodSeconds`) and stays until its
    /// `DoublePodRunner` stopped it and deletes it with `force`.
    mutating func delete(_ kind: DoubleKind, namespace: String?, name: String, force: Bool = false, now: Date = Date())
        throws(DoubleStatus) -> (JSONValue, Deliveries)
    {
        let key = Self.key(kind, namespace: namespace, name: name)
        if kind.kind == "Pod", !force, let pod = objects[key], pod["status"]?["podIP"] != nil {
            guard pod["metadata"]?["deletionTimestamp"] == nil,
                case .object(let members) = pod, case .object(var metadata)? = members["metadata"]
            else { return (pod, []) }
            let grace = pod["spec"]?["terminationGracePeriodSeconds"]?.numberValue ?? 30
            metadata["deletionTimestamp"] = .string(Self.timestamp(now.addingTimeInterval(grace)))
            metadata["deletionGracePeriodSeconds"] = .number(grace)
            return commit(key: key, members: members, metadata: metadata)
        }
        if kind == .namespace, !force, namespaceTerminationSeconds > 0, let namespace = objects[key] {
            return terminate(namespace: namespace, key: key, now: now)
        }
        guard let current = objects.removeValue(forKey: key) else { throw DoubleStatus.notFound(kind, name) }
        namespacesGoneAt[name] = nil
        resourceVersion += 1
        var deliveries = record(key: key, type: "DELETED", object: current)
        let uid = current["metadata"]?["uid"]
        let dependents = objects.filter { entry in
            (kind == .namespace && entry.key.namespace == name)
                || (entry.value["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains { $0["uid"] == uid }
        }
        for dependent in dependents.keys.sorted() {
            guard let dependentKind = DoubleKind.all.first(where: { $0.plural == dependent.plural }),
                objects[dependent] != nil,
                let deleted = try? delete(dependentKind, namespace: dependent.namespace, name: dependent.name)
            else { continue }
            deliveries += deleted.1
        }
        return (current, deliveries)
    }

    /// Registers a watcher; returns its id and the past events after `resourceVersion` it must see.
    mutating func addWatcher(_ watcher: Watcher, after version: Int?) throws(DoubleStatus) -> (Int, [Event]) {
        var replay: [Event] = []
        if let version, version < resourceVersion {
            guard let oldest = history.first, oldest.resourceVersion <= version + 1 else {
                throw DoubleStatus.gone("too old resource version: \(version) (\(resourceVersion))")
            }
            replay = history.filter { $0.resourceVersion > version && watcher.wants($0) }
        }
        nextWatcherID += 1
        watchers[nextWatcherID] = watcher
        return (nextWatcherID, replay)
    }

    mutating func removeWatcher(_ id: Int) {
        watchers[id]?.continuation.finish()
        watchers[id] = nil
    }

    mutating func commit(key: DoubleObjectKey, members: [String: JSONValue], metadata: [String: JSONValue])
        -> (JSONValue, Deliveries)
    {
        var members = members
        var metadata = metadata
        resourceVersion += 1
        metadata["resourceVersion"] = .string(String(resourceVersion))
        members["metadata"] = .object(metadata)
        let stored = JSONValue.object(members)
        objects[key] = stored
        return (stored, record(key: key, type: "MODIFIED", object: stored))
    }

    mutating func record(key: DoubleObjectKey, type: String, object: JSONValue) -> Deliveries {
        let event = Event(resourceVersion: resourceVersion, key: key, type: type, object: object)
        history.append(event)
        if history.count > Self.historyLimit { history.removeFirst(history.count - Self.historyLimit) }
        return watchers.values.filter { $0.wants(event) }.map { ($0.continuation, event) }
    }

    /// As the API server does: a Secret's `stringData` is write-only, merged into `data` as base64.
    static func moveStringData(_ members: inout [String: JSONValue]) {
        guard let stringData = members.removeValue(forKey: "stringData")?.objectValue else { return }
        var data = members["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
        }
        members["data"] = .object(data)
    }

    static func isDNSSubdomain(_ name: String) -> Bool {
        name.count <= 253 && name.first.map { $0.isLetter || $0.isNumber } == true
            && name.last.map { $0.isLetter || $0.isNumber } == true
            && name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
    }

    static func timestamp(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
