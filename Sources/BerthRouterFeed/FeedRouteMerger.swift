import BerthCore

/// Merges what a router in a cluster learns from two sources into the one `RouteTable` it
/// serves: the control plane's feed (services, key digests, limits, token keys, endpoint splits)
/// and, on Kubernetes, the ready endpoints of each service's EndpointSlices (where replicas are).
///
/// Pure: each method returns the table to apply, or nil when nothing the router serves changed.
/// The router-side generation is the merger's own and grows by one per returned table, so a
/// control plane that restarted (its generations start again at 1) or a slice change alone
/// still gives a newer table than the one in use.
public struct FeedRouteMerger: Sendable, Hashable {
    /// Where replica addresses come from.
    public enum ReplicaSource: Sendable, Hashable {
        /// The feed's replicas (the control plane's view): for routers outside a cluster.
        case feed
        /// The EndpointSlices of each service's ClusterIP Service `berth-NAME`: the feed's
        /// replicas are ignored, and a service without ready endpoints has no replicas.
        case endpointSlices
    }

    public let source: ReplicaSource
    /// The namespace of services whose feed route names none (the attachment's, `--namespace`).
    public let defaultNamespace: String?
    /// The newest table from the feed, nil until the first one arrives.
    public private(set) var feedTable: RouteTable?
    /// Slice name → its service and ready endpoints.
    private var slices: [String: SliceEndpoints] = [:]
    /// The last table returned (with its generation).
    public private(set) var current: RouteTable?

    public init(source: ReplicaSource, defaultNamespace: String? = nil) {
        self.source = source
        self.defaultNamespace = defaultNamespace
    }

    /// The namespaces whose EndpointSlices the table needs: the default one and every service's.
    public var namespaces: Set<String> {
        var all = Set((feedTable?.services.values.map { $0.namespace ?? defaultNamespace } ?? []).compactMap { $0 })
        if let defaultNamespace { all.insert(defaultNamespace) }
        return all
    }

    /// A table from the feed.
    public mutating func receive(feed table: RouteTable) -> RouteTable? {
        feedTable = table
        return next()
    }

    /// Every slice at once, after a (re)list: slices not in `all` are gone — of `namespace` only
    /// when one is given (each namespace has its own watch).
    public mutating func replaceSlices(_ all: [String: SliceEndpoints], namespace: String? = nil) -> RouteTable? {
        if let namespace {
            slices = slices.filter { $0.value.namespace != namespace }.merging(all) { _, new in new }
        } else {
            slices = all
        }
        return next()
    }

    /// A slice added or changed.
    public mutating func updateSlice(named name: String, _ endpoints: SliceEndpoints) -> RouteTable? {
        slices[name] = endpoints
        return next()
    }

    /// A slice deleted.
    public mutating func removeSlice(named name: String) -> RouteTable? {
        slices[name] = nil
        return next()
    }

    /// The table to serve now, generation aside; nil before the feed's first table.
    public func merged() -> RouteTable? {
        guard var table = feedTable else { return nil }
        table.generation = 0
        for (name, var service) in table.services {
            // A slice counts for the service of its name in the service's namespace (a slice
            // without one, or a merger without a default, matches any).
            let wanted = service.namespace ?? defaultNamespace
            let sliced = slices.values.filter { slice in
                slice.service == name && (wanted == nil || slice.namespace == nil || slice.namespace == wanted)
            }
            let replicas = source == .endpointSlices ? Array(Set(sliced.flatMap(\.replicas))) : service.replicas
            service.replicas = replicas.sorted { ($0.id, $0.host, $0.port) < ($1.id, $1.host, $1.port) }
            table.services[name] = service
        }
        return table
    }

    private mutating func next() -> RouteTable? {
        guard var table = merged() else { return nil }
        if var previous = current {
            let generation = previous.generation
            previous.generation = 0
            if previous == table { return nil }
            table.generation = generation + 1
        } else {
            table.generation = 1
        }
        current = table
        return table
    }
}

/// The ready endpoints of one EndpointSlice, and the Berth service whose Service it belongs to.
public struct SliceEndpoints: Sendable, Hashable {
    /// The Berth service (the Kubernetes Service is `berth-<service>`).
    public var service: String
    public var replicas: [ReplicaEndpoint]
    /// The slice's namespace; nil when unknown (matches any service of that name).
    public var namespace: String?

    public init(service: String, replicas: [ReplicaEndpoint], namespace: String? = nil) {
        self.service = service
        self.replicas = replicas
        self.namespace = namespace
    }
}
