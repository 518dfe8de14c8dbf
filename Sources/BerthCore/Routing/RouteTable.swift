/// What the router needs to serve every service of a cluster, published by the control plane as a
/// whole with a generation number; the router swaps it in at once and never reads the store.
///
/// Keys travel only as SHA-256 digests (lowercase hex), so a router (or its logs) never holds a
/// service key itself; token signing keys travel only as public keys, so a router can check
/// tokens but never mint one. The one secret a table carries is each Kubernetes service's replica
/// secret (`ServiceRoute.replicaSecret`), which the router must present itself.
public struct RouteTable: Sendable, Hashable, Codable {
    /// Grows with every change; a router ignores a table older than the one it has.
    public var generation: UInt64
    /// The services, by name.
    public var services: [String: ServiceRoute]
    /// The public keys that verify access tokens: the workspace's current signing key and the
    /// rotated-out ones whose tokens may not have expired yet.
    public var tokenKeys: [TokenVerificationKey]
    /// The endpoints, by name: each splits its traffic over versions that are services of
    /// `services` (named `<endpoint>--<version>`).
    public var endpoints: [String: EndpointRoute]

    public init(
        generation: UInt64 = 0, services: [String: ServiceRoute] = [:], tokenKeys: [TokenVerificationKey] = [],
        endpoints: [String: EndpointRoute] = [:]
    ) {
        self.generation = generation
        self.services = services
        self.tokenKeys = tokenKeys
        self.endpoints = endpoints
    }

    private enum CodingKeys: String, CodingKey { case generation, services, tokenKeys, endpoints }

    /// Reads tables from routers and control planes older than a field (missing fields: defaults).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        generation = try container.decode(UInt64.self, forKey: .generation)
        services = try container.decode([String: ServiceRoute].self, forKey: .services)
        tokenKeys = try container.decodeIfPresent([TokenVerificationKey].self, forKey: .tokenKeys) ?? []
        endpoints = try container.decodeIfPresent([String: EndpointRoute].self, forKey: .endpoints) ?? [:]
    }
}

/// An endpoint as the router sees it: its versions and their effective weights.
public struct EndpointRoute: Sendable, Hashable, Codable {
    /// The endpoint name, as in `/api/v1/endpoint/<name>/score`.
    public var name: String
    /// The versions, in creation order.
    public var versions: [EndpointVersionRoute]

    public init(name: String, versions: [EndpointVersionRoute]) {
        self.name = name
        self.versions = versions
    }
}

/// One version of an endpoint: where its replicas are and how much of the traffic it gets.
public struct EndpointVersionRoute: Sendable, Hashable, Codable {
    /// The version name, as in `/api/v1/endpoint/<endpoint>/<version>/score`.
    public var name: String
    /// The service of the route table that runs the version (its key digests, limits, replicas).
    public var service: String
    /// Effective share in basis points (0–10000); the versions of an endpoint sum to 10000.
    /// A version with weight 0 still answers at its direct URI.
    public var weight: Int

    public init(name: String, service: String, weight: Int) {
        self.name = name
        self.service = service
        self.weight = weight
    }
}

/// A public key that verifies access tokens (ES256), named by the `kid` of the tokens it signed.
public struct TokenVerificationKey: Sendable, Hashable, Codable {
    /// The JWT header's `kid`.
    public var kid: String
    /// The P-256 public key in x9.63 form, base64url.
    public var publicKey: String

    public init(kid: String, publicKey: String) {
        self.kid = kid
        self.publicKey = publicKey
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
    /// Whether a token (`tokenAuthEnabled`) is required; never true together with `authEnabled`.
    /// Default false.
    public var tokenAuthEnabled: Bool
    /// The `aud` a token must carry; nil means the service's `name`.
    public var tokenAudience: String?
    /// The Kubernetes namespace of the replicas when the deployment config names one; nil: the
    /// cluster attachment's (a router in the cluster watches the EndpointSlices of every namespace
    /// its table names).
    public var namespace: String?
    /// The secret the router sends to the service's replicas in `ReplicaAuthentication.headerName`
    /// (lowercase hex), set for services on Kubernetes compute targets, whose replicas refuse
    /// scoring requests without it; nil for local services (their replicas listen on private Unix
    /// sockets). Never logged.
    public var replicaSecret: String?
    /// Whether the service may be scored only over TLS (its compute target has an
    /// `sslConfiguration`): a plain-HTTP request gets 403 `https_required`. nil: either.
    public var tlsOnly: Bool?

    public init(
        name: String,
        authEnabled: Bool = true,
        keyDigests: [String] = [],
        scoringTimeoutMs: Int = 60000,
        maxQueueWaitMs: Int = 500,
        maxConcurrentRequestsPerContainer: Int = 1,
        replicas: [ReplicaEndpoint] = [],
        tokenAuthEnabled: Bool = false,
        tokenAudience: String? = nil,
        namespace: String? = nil,
        replicaSecret: String? = nil,
        tlsOnly: Bool? = nil
    ) {
        self.tlsOnly = tlsOnly
        self.namespace = namespace
        self.replicaSecret = replicaSecret
        self.name = name
        self.authEnabled = authEnabled
        self.keyDigests = keyDigests
        self.scoringTimeoutMs = scoringTimeoutMs
        self.maxQueueWaitMs = maxQueueWaitMs
        self.maxConcurrentRequestsPerContainer = maxConcurrentRequestsPerContainer
        self.replicas = replicas
        self.tokenAuthEnabled = tokenAuthEnabled
        self.tokenAudience = tokenAudience
    }

    private enum CodingKeys: String, CodingKey {
        case name, authEnabled, keyDigests, scoringTimeoutMs, maxQueueWaitMs, maxConcurrentRequestsPerContainer
        case replicas, tokenAuthEnabled, tokenAudience, namespace, replicaSecret, tlsOnly
    }

    /// Reads routes from control planes older than a field (missing fields: defaults).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        authEnabled = try container.decodeIfPresent(Bool.self, forKey: .authEnabled) ?? true
        keyDigests = try container.decodeIfPresent([String].self, forKey: .keyDigests) ?? []
        scoringTimeoutMs = try container.decodeIfPresent(Int.self, forKey: .scoringTimeoutMs) ?? 60000
        maxQueueWaitMs = try container.decodeIfPresent(Int.self, forKey: .maxQueueWaitMs) ?? 500
        maxConcurrentRequestsPerContainer =
            try container.decodeIfPresent(Int.self, forKey: .maxConcurrentRequestsPerContainer) ?? 1
        replicas = try container.decodeIfPresent([ReplicaEndpoint].self, forKey: .replicas) ?? []
        tokenAuthEnabled = try container.decodeIfPresent(Bool.self, forKey: .tokenAuthEnabled) ?? false
        tokenAudience = try container.decodeIfPresent(String.self, forKey: .tokenAudience)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        replicaSecret = try container.decodeIfPresent(String.self, forKey: .replicaSecret)
        tlsOnly = try container.decodeIfPresent(Bool.self, forKey: .tlsOnly)
    }
}

/// Where one ready replica listens.
public struct ReplicaEndpoint: Sendable, Hashable, Codable {
    /// Stable for the replica's life (e.g. `myservice-0-3f2a`); in logs and load reports.
    public var id: String
    public var host: String
    public var port: Int
    /// The Unix domain socket a local replica listens on instead of `host`/`port`, so only the
    /// router (the same user) reaches it; nil for a TCP replica (a Pod).
    public var socketPath: String?

    public init(id: String, host: String = "127.0.0.1", port: Int) {
        self.id = id
        self.host = host
        self.port = port
    }

    /// A replica listening on the Unix domain socket at `socketPath`.
    public init(id: String, socketPath: String) {
        self.init(id: id, host: "localhost", port: 0)
        self.socketPath = socketPath
    }
}
