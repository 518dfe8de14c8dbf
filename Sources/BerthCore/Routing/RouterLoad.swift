/// What a router carries right now, per service and per replica: the autoscaler's input
/// (utilization = in flight ÷ (replicas × `maxConcurrentRequestsPerContainer`), DESIGN.md).
///
/// A snapshot taken under the router's lock, so the numbers of one service agree with each other.
public struct RouterLoad: Sendable, Hashable {
    /// The generation of the route table the router used when the snapshot was taken.
    public var generation: UInt64
    /// Every service of that table, by name (services without traffic included, with zeros).
    public var services: [String: ServiceLoad]
    /// The router's own event-loop threads and its latest self-scaling decisions.
    public var threads: RouterThreadsLoad

    public init(generation: UInt64 = 0, services: [String: ServiceLoad] = [:], threads: RouterThreadsLoad = .init()) {
        self.generation = generation
        self.services = services
        self.threads = threads
    }
}

/// One service's load on one router.
public struct ServiceLoad: Sendable, Hashable {
    /// The service name.
    public var name: String
    /// Requests waiting in the admission queue for a free replica.
    public var queued: Int
    /// The service's `maxConcurrentRequestsPerContainer` (at least 1), the capacity of one replica.
    public var maxConcurrentRequestsPerContainer: Int
    /// The ready replicas and the requests this router has in flight on each.
    public var replicas: [ReplicaLoad]

    /// Requests in flight on all replicas of the service.
    public var inFlight: Int { replicas.reduce(0) { $0.saturatingAdding($1.inFlight) } }

    public init(name: String, queued: Int, maxConcurrentRequestsPerContainer: Int, replicas: [ReplicaLoad]) {
        self.name = name
        self.queued = queued
        self.maxConcurrentRequestsPerContainer = maxConcurrentRequestsPerContainer
        self.replicas = replicas
    }
}

/// One replica's load on one router.
public struct ReplicaLoad: Sendable, Hashable {
    /// The replica id from the route table.
    public var id: String
    /// Requests this router has sent to the replica that have not finished.
    public var inFlight: Int

    public init(id: String, inFlight: Int) {
        self.id = id
        self.inFlight = inFlight
    }
}
