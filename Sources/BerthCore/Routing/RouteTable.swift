/// What the router needs to serve every service of a cluster, published by the control plane as a
/// whole with a generation number; the router swaps it in at once and never reads the store.
///
/// Keys travel only as SHA-256 digests (lowercase hex), so a router (or its logs) never holds a
/// service key itself.
public struct RouteTable: Sendable, Hashable, Codable {
    /// Grows with every change; a router ignores a table older than the one it has.
    public var generation: UInt64
    /// The services, by name.
    public var services: [String: ServiceRoute]

    public init(generation: UInt64 = 0, services: [String: ServiceRoute] = [:]) {
        self.generation = generation
        self.services = services
    }
}

/// One service as the router sees it: who may call it, its limits and its ready replicas.
public struct ServiceRoute: Sendable, Hashable, Codable {
    /// The service name, as in `/api/v1/service/<name>/score`.
    public var name: String
    /// Whether a key is required (`authEnabled`). Default true.
    public var authEnabled: Bool
    /// SHA-256 digests (lowercase hex) of the primary and secondary keys.
    public var keyDigests: [String]
    /// `scoringTimeoutMs`: the router answers 504 after this long. Default 60000.
    public var scoringTimeoutMs: Int
    /// `maxQueueWaitMs`: how long a request may wait for a free replica before 503. Default 500.
    public var maxQueueWaitMs: Int
    /// `maxConcurrentRequestsPerContainer`: requests in flight per replica. Default 1.
    public var maxConcurrentRequestsPerContainer: Int
    /// The replicas that answered `GET /ready` with 200, in no particular order.
    public var replicas: [ReplicaEndpoint]

    public init(
        name: String,
        authEnabled: Bool = true,
        keyDigests: [String] = [],
        scoringTimeoutMs: Int = 60000,
        maxQueueWaitMs: Int = 500,
        maxConcurrentRequestsPerContainer: Int = 1,
        replicas: [ReplicaEndpoint] = []
    ) {
        self.name = name
        self.authEnabled = authEnabled
        self.keyDigests = keyDigests
        self.scoringTimeoutMs = scoringTimeoutMs
        self.maxQueueWaitMs = maxQueueWaitMs
        self.maxConcurrentRequestsPerContainer = maxConcurrentRequestsPerContainer
        self.replicas = replicas
    }
}

/// Where one ready replica listens.
public struct ReplicaEndpoint: Sendable, Hashable, Codable {
    /// Stable for the replica's life (e.g. `myservice-0-3f2a`); in logs and load reports.
    public var id: String
    public var host: String
    public var port: Int

    public init(id: String, host: String = "127.0.0.1", port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }
}
