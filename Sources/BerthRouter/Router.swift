import AsyncHTTPClient
import BerthCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The data plane in front of every replica of a cluster (Azure's azureml-fe): key auth, the
/// route-table snapshot, per-service admission queues, least-loaded replica choice and proxying
/// over pooled keep-alive connections, with Azure's status codes (compat.md §9).
///
/// The control plane pushes route tables with `update(_:)`; the router swaps the snapshot and
/// never reads the store. Requests in flight and queued are readable with `load()` for the
/// autoscaler.
///
/// ```swift
/// let router = Router(configuration: .init(port: 0), logger: logger, onListening: { port in
///     logger.info("Router on \(port)")
/// })
/// router.update(RouteTable(generation: 1, services: ["echo": ServiceRoute(
///     name: "echo", authEnabled: false, replicas: [ReplicaEndpoint(id: "echo-0", port: 5001)])]))
/// try await ServiceGroup(services: [router], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public final class Router: Service, Sendable {
    /// The listening address and the router's own limits.
    public let configuration: Configuration
    private let logger: Logger
    private let onListening: @Sendable (Int) -> Void
    private let admission: Admission<ContinuousClock>
    /// Token keys, endpoint splits and per-version metrics, beside the admission state.
    let rollout = RolloutTables()
    private let started = Atomic<Bool>(false)

    /// Makes a router with no services; nothing listens until `run()`.
    ///
    /// - Parameters:
    ///   - onListening: called once with the bound port (useful with port 0) before requests are served.
    public init(
        configuration: Configuration,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
        self.admission = Admission(
            policy: .init(
                maxQueuedRequestsPerService: configuration.maxQueuedRequestsPerService,
                busyReplicaBackoff: configuration.busyReplicaBackoff),
            clock: ContinuousClock())
    }

    /// Swaps in a new route table at once, unless its generation is older than the one in use.
    /// Requests in flight finish on their replica; queued ones move to replicas with room.
    /// Callable from any thread, before or during `run()`.
    ///
    /// - Returns: whether the table was applied.
    @discardableResult
    public func update(_ table: RouteTable) -> Bool {
        let applied = admission.update(table)
        if applied { rollout.update(table) }
        logger.trace(
            "Route table update", metadata: ["generation": "\(table.generation)", "applied": "\(applied)"])
        return applied
    }

    /// Requests in flight and queued, per service and replica, right now.
    public func load() -> RouterLoad {
        admission.load()
    }

    /// Serves until graceful shutdown (stop accepting, finish the responses in flight, close) or
    /// cancellation.
    ///
    /// - Throws: `BerthError.invalidConfiguration` for a bad configuration; the bind error when
    ///   the port cannot be had.
    public func run() async throws {
        try configuration.validate()
        precondition(!started.exchange(true, ordering: .relaxed), "Router.run() must be called only once.")
        let client = HTTPClient(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: clientConfiguration)
        do {
            try await serve(with: client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func serve(with client: HTTPClient) async throws {
        let registry = ConnectionRegistry()
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    registry.add(channel)
                    return try RouterChannel(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? configuration.port
        logger.info("Router listening", metadata: ["address": "\(configuration.host):\(port)"])
        onListening(port)
        let handler = RouterRequestHandler(
            admission: admission, rollout: rollout, proxy: ReplicaProxy(client: client), maxBodyBytes: configuration.maxBodyBytes,
            maxBusyRetries: configuration.maxBusyRetries, logger: logger)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await handler.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
            registry.quiesceAll()
        }
        logger.info("Router stopped", metadata: ["address": "\(configuration.host):\(port)"])
    }

    private var clientConfiguration: HTTPClient.Configuration {
        var result = HTTPClient.Configuration()
        result.redirectConfiguration = .disallow
        result.timeout = .init(connect: TimeAmount(configuration.connectTimeout), read: nil)
        result.connectionPool = .init(
            idleTimeout: TimeAmount(configuration.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maxConnectionsPerReplica)
        // A refused connection must fail at once so the request can go to another replica (or get
        // 502), not be retried by the client until the scoring deadline.
        result.connectionPool.retryConnectionEstablishment = false
        result.httpVersion = .http1Only
        result.decompression = .disabled
        return result
    }
}
