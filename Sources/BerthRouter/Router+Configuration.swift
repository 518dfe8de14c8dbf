import BerthCore
import BerthTLS
import BerthTracing

extension Router {
    /// How the router listens and the limits it applies on its own; the per-service limits
    /// (`scoringTimeoutMs`, `maxQueueWaitMs`, `maxConcurrentRequestsPerContainer`) come with the
    /// route table.
    public struct Configuration: Sendable {
        /// The address to listen on. Default `127.0.0.1`.
        public var host: String
        /// The port to listen on; 0 lets the OS pick one (reported to `onListening`). Default 8080.
        public var port: Int
        /// The largest request body accepted, in bytes; larger ones get 413. Default 100 MiB (Azure's limit).
        public var maxBodyBytes: Int
        /// Requests that may wait per service when every replica is full; more get 503 at once. Default 1024.
        public var maxQueuedRequestsPerService: Int
        /// How long a connection to a replica may take before the request moves to another replica
        /// (or gets 502). Default 3 s.
        public var connectTimeout: Duration
        /// How long an unused keep-alive connection to a replica stays open. Default 60 s.
        ///
        /// Not applied yet: replica connections belong to one client connection and close with it
        /// (or when the replica closes them), so they are idle exactly as long as that client is.
        public var idleConnectionTimeout: Duration
        /// Connections kept open per replica. Default 256.
        ///
        /// Not applied yet: each client connection holds at most one connection per replica, so the
        /// count follows the number of client connections; admission (`maxConcurrentRequestsPerContainer`)
        /// bounds the requests in flight on each replica.
        public var maxConnectionsPerReplica: Int
        /// How long a replica that answered 429 counts as full, unless one of its requests ends
        /// first. Default 50 ms.
        public var busyReplicaBackoff: Duration
        /// How many times a request a replica refused with 429 is queued again before it gets 503. Default 3.
        public var maxBusyRetries: Int
        /// How long a replica that refused a connection is passed over, unless the route table
        /// gives it a new address first; the requests meant for it go to the other replicas or wait
        /// (up to `maxQueueWaitMs`). Default 1 s.
        public var unreachableReplicaBackoff: Duration = .seconds(1)
        /// The cluster's purpose: on `.devTest` the router keeps its thread count; otherwise it adds
        /// event-loop threads when routing latency passes `selfScalingLatencyThreshold` and removes
        /// them when CPU use is low. Default `.fastProd`.
        public var clusterPurpose: ClusterPurpose = .fastProd
        /// Routing latency (event-loop wait) above which the router adds a thread. Default 2 ms.
        public var selfScalingLatencyThreshold: Duration = .milliseconds(2)
        /// CPU use per thread (process CPU time ÷ wall time ÷ threads) below which the router
        /// removes a thread, once it held for 10 samples. Default 0.25.
        public var selfScalingLowCPU: Double = 0.25
        /// How often the router samples latency and CPU and decides. Default 1 s.
        public var selfScalingSamplePeriod: Duration = .seconds(1)
        /// The most event-loop threads the router uses; nil: all of NIO's (one per core). Default nil.
        public var maxThreads: Int? = nil
        /// The event-loop threads the router starts with; nil: the most it may use. Default nil.
        public var initialThreads: Int? = nil
        /// Client connections open at once; one more is answered 503 `too_many_connections` and
        /// closed. Default 8192 (keep it under the process's open-file limit, `ulimit -n`, which
        /// replica connections share).
        public var maxConnections: Int = 8192
        /// Request-body bytes held across all requests at once (bodies are collected whole before
        /// they go to a replica); a request whose body does not fit gets 503 `overloaded` and its
        /// connection closes. Default 1 GiB.
        public var maxBufferedBodyBytes: Int = 1024 * 1024 * 1024
        /// From the first byte of a request head to its end; a slower client gets 408 and the
        /// connection closes (slow-loris). A new connection (its TLS handshake included) must
        /// bring its first request within it too, or it is closed. Default 20 s.
        public var requestHeadTimeout: Duration = .seconds(20)
        /// How long a client connection may stay without sending a byte, between requests or while
        /// sending a body, before it is closed (a stalled body gets 408). Default 120 s.
        public var clientIdleTimeout: Duration = .seconds(120)
        /// Whether the router counts and times requests and serves them at `GET /metrics` on its
        /// (scoring) port, in the Prometheus text format. Off: nothing is recorded and `/metrics`
        /// is a 404. Default on.
        public var metrics: Bool = true
        /// The certificate the router serves TLS with; nil: plain HTTP. With it, the router speaks
        /// only TLS, and new connections get a renewed certificate as soon as the context has it
        /// (run the context in the same `ServiceGroup` so it watches its files). Default nil.
        package var tls: ReloadingTLSContext? = nil
        /// Certificates chosen by the name a TLS client asks for (SNI): the compute targets with
        /// an `sslConfiguration`. With them and no `tls`, one port serves plain HTTP and TLS, told
        /// apart by the first byte; with `tls` too, it is the certificate for other names. Default nil.
        package var serverNames: ServerNameCertificates? = nil
        /// The tracer of the request spans (W3C `traceparent` continued from the client and sent on
        /// to the replica); nil: no spans, and no tracing work per request. `TraceExport` makes
        /// one when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Default nil.
        public var tracer: BerthTracer? = nil

        public init(
            host: String = "127.0.0.1",
            port: Int = 8080,
            maxBodyBytes: Int = 100 * 1024 * 1024,
            maxQueuedRequestsPerService: Int = 1024,
            connectTimeout: Duration = .seconds(3),
            idleConnectionTimeout: Duration = .seconds(60),
            maxConnectionsPerReplica: Int = 256,
            busyReplicaBackoff: Duration = .milliseconds(50),
            maxBusyRetries: Int = 3
        ) {
            self.host = host
            self.port = port
            self.maxBodyBytes = maxBodyBytes
            self.maxQueuedRequestsPerService = maxQueuedRequestsPerService
            self.connectTimeout = connectTimeout
            self.idleConnectionTimeout = idleConnectionTimeout
            self.maxConnectionsPerReplica = maxConnectionsPerReplica
            self.busyReplicaBackoff = busyReplicaBackoff
            self.maxBusyRetries = maxBusyRetries
        }

        /// Refuses values no router can run with, naming the field.
        func validate() throws {
            func require(_ condition: Bool, _ message: String) throws {
                if !condition { throw BerthError.invalidConfiguration(message) }
            }
            try require((0...65535).contains(port), "Router port (\(port)) must be between 0 and 65535.")
            try require(maxBodyBytes > 0, "Router maxBodyBytes (\(maxBodyBytes)) must be greater than 0.")
            try require(
                maxQueuedRequestsPerService >= 0,
                "Router maxQueuedRequestsPerService (\(maxQueuedRequestsPerService)) must not be negative.")
            try require(connectTimeout > .zero, "Router connectTimeout (\(connectTimeout)) must be greater than 0.")
            try require(
                maxConnectionsPerReplica >= 1,
                "Router maxConnectionsPerReplica (\(maxConnectionsPerReplica)) must be at least 1.")
            try require(maxBusyRetries >= 0, "Router maxBusyRetries (\(maxBusyRetries)) must not be negative.")
            try require(
                selfScalingSamplePeriod > .zero,
                "Router selfScalingSamplePeriod (\(selfScalingSamplePeriod)) must be greater than 0.")
            try require(
                (initialThreads ?? 1) >= 1, "Router initialThreads (\(initialThreads ?? 0)) must be at least 1.")
            try require((maxThreads ?? 1) >= 1, "Router maxThreads (\(maxThreads ?? 0)) must be at least 1.")
            try require(maxConnections >= 1, "Router maxConnections (\(maxConnections)) must be at least 1.")
            try require(
                maxBufferedBodyBytes >= 1,
                "Router maxBufferedBodyBytes (\(maxBufferedBodyBytes)) must be at least 1.")
            try require(
                requestHeadTimeout > .zero,
                "Router requestHeadTimeout (\(requestHeadTimeout)) must be greater than 0.")
            try require(
                clientIdleTimeout > .zero, "Router clientIdleTimeout (\(clientIdleTimeout)) must be greater than 0.")
        }
    }
}
