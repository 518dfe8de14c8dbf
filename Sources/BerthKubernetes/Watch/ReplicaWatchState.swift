import BerthBackends
import BerthCore
import BerthKubernetesAPI

/// Berth's replica Deployments and Pods on one cluster as its watches last reported them: a pure
/// state machine, kept behind a `Mutex` by `ReplicaWatch` and fed by `ReplicaWatcher`.
///
/// Each collection is synced by a list (which replaces what was known) and then kept up to date by
/// watch events from the list's `resourceVersion`; a broken watch marks it unsynced until the
/// next list, and readers then ask the API instead.
public struct ReplicaWatchState: Sendable {
    /// The two collections watched.
    public enum Collection: Sendable, Hashable, CaseIterable {
        case deployments, pods

        /// Its kind in the API.
        public var resource: KubernetesResource { self == .deployments ? .deployments : .pods }
    }

    /// What to do after a change, once the lock is released.
    public enum Action: Sendable, Hashable {
        case none
        /// What readers see changed (a replica's readiness, a Pod or Deployment added or gone):
        /// tell the route publisher to read the status again.
        case notifyReaders
    }

    /// What the state can say about one deployment.
    public enum Lookup: Sendable, Hashable {
        /// A watch is not synced: ask the API.
        case unsynced
        /// Synced, and no Deployment of that name is known.
        case missing
        /// The deployment's Deployment (for its replicas and revision) and its Pods.
        case found(DeploymentStatus, revision: String?)
    }

    struct Objects: Sendable {
        var items: [String: JSONValue] = [:]
        var isSynced = false
        var resourceVersion: String?
    }

    private var collections: [Collection: Objects] = [.deployments: Objects(), .pods: Objects()]

    public init() {}

    static func key(_ object: JSONValue) -> String? {
        guard let name = object["metadata"]?["name"]?.stringValue else { return nil }
        return "\(object["metadata"]?["namespace"]?.stringValue ?? "")/\(name)"
    }

    /// A fresh list of `collection`: replaces everything known of it.
    @discardableResult
    public mutating func listed(_ collection: Collection, items: [JSONValue], resourceVersion: String?) -> Action {
        var objects = Objects(isSynced: true, resourceVersion: resourceVersion)
        for item in items {
            if let key = Self.key(item) { objects.items[key] = item }
        }
        collections[collection] = objects
        return .notifyReaders
    }

    /// One watch event (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`) of `collection`.
    @discardableResult
    public mutating func received(_ collection: Collection, _ event: KubernetesWatchEvent) -> Action {
        var objects = collections[collection] ?? Objects()
        if let version = event.object["metadata"]?["resourceVersion"]?.stringValue { objects.resourceVersion = version }
        var action = Action.none
        if let key = Self.key(event.object) {
            let before = objects.items[key]
            switch event.type {
            case "ADDED", "MODIFIED": objects.items[key] = event.object
            case "DELETED": objects.items[key] = nil
            default: break
            }
            if Self.seen(before) != Self.seen(objects.items[key]) { action = .notifyReaders }
        }
        collections[collection] = objects
        return action
    }

    /// What of an object readers act on: its existence, replica count, revision and readiness.
    static func seen(_ object: JSONValue?) -> JSONValue? {
        guard let object else { return nil }
        return [
            "replicas": object["spec"]?["replicas"] ?? .null,
            "revision": object["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision] ?? .null,
            "conditions": object["status"]?["conditions"] ?? .null,
            "containers": object["status"]?["containerStatuses"] ?? .null,
            "deleting": object["metadata"]?["deletionTimestamp"] ?? .null,
        ]
    }

    /// The watch of `collection` broke: until it is listed again, readers ask the API.
    public mutating func lost(_ collection: Collection) {
        collections[collection]?.isSynced = false
    }

    /// Where a watch of `collection` resumes.
    public func resourceVersion(_ collection: Collection) -> String? {
        collections[collection]?.resourceVersion
    }

    /// Whether both collections are synced.
    public var isSynced: Bool { collections.values.allSatisfy(\.isSynced) }

    /// The deployment of service `name`, read as `PodStatusReader` reads a list.
    public func lookup(deployment name: String) -> Lookup {
        guard isSynced else { return .unsynced }
        let belongs = { (object: JSONValue) -> Bool in
            object["metadata"]?["labels"]?[ManifestLabels.service]?.stringValue == name
                && object["metadata"]?["labels"]?[ManifestLabels.component] == "replica"
        }
        guard let deployment = collections[.deployments]?.items.values.first(where: belongs) else { return .missing }
        let namespace = deployment["metadata"]?["namespace"]
        let podItems = collections[.pods]?.items ?? [:]
        let pods = podItems.values.filter {
            belongs($0) && $0["metadata"]?["namespace"] == namespace
        }
        let status = PodStatusReader.deploymentStatus(
            name: name, deployment: deployment, pods: pods.sorted { Self.key($0) ?? "" < Self.key($1) ?? "" })
        let revision = deployment["spec"]?["template"]?["metadata"]?["annotations"]?[ManifestLabels.revision]?
            .stringValue
        return .found(status, revision: revision)
    }
}
