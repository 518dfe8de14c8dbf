import BerthCore
import BerthMetrics
import BerthTLS
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The data plane in front of every replica of a cluster (Azure's azureml-fe): key auth, the
/// route-table snapshot, per-service admission queues, least-loaded replica choice and proxying
/// over keep-alive connections, with Azure's status codes (compat.md §9).
///
/// Each client connection is served by a plain SwiftNIO channel handler on its event loop
/// (`ClientConnectionHandler`), which also owns that connection's keep-alive connections to
/// replicas (`UpstreamConnections`), so a request never changes threads and no task, async
/// sequence or executor hop runs per request. The router listens on one socket per event-loop
/// thread it uses and scales that count itself (`Router+Scaling.swift`), except on DevTest clusters.
///
/// Cost: docs/benchmarks.md (router section) has the measured throughput and latency against
/// nginx and where the CPU time per request goes. The router speaks HTTP/1.1 itself on replica
/// connections and toward clients (`ResponseFramer`, `RequestEncoding`, `ResponseEncoding`,
/// `RequestFramer`). A request is refused from its head (route, key, token) before its body is
/// read, and the router's client limits (`Configuration.maxConnections`, `.maxBufferedBodyBytes`,
/// `.requestHeadTimeout`, `.clientIdleTimeout`) keep an exposed router's memory and connections bounded.
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
    let logger: Logger
    private let onListening: @Sendable (Int) -> Void
    private let admission: Admission<RouterClock>
    /// Token keys, endpoint splits and per-version metrics, beside the admission state.
    let rollout = RolloutTables()
    /// Set by the first route table applied; `GET /ready` answers 503 until then.
    private let readiness = RouterReadiness()
    private let started = Atomic<Bool>(false)
    /// NIO's event loops the router may use, one per core; listener `i` runs on `loops[i]`.
    let loops: [any EventLoop]
    let threads: RouterThreadsRecord
    /// Where the cluster purpose comes from when it can change (`followClusterPurpose`).
    let purposeSource = ClusterPurposeSource()
    /// Requests counted and timed for `GET /metrics`; nil when `Configuration.metrics` is off.
    let metrics: RouterMetrics?

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
                busyReplicaBackoff: configuration.busyReplicaBackoff,
                unreachableReplicaBackoff: configuration.unreachableReplicaBackoff),
            clock: RouterClock())
        var loops: [any EventLoop] = []
        for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() { loops.append(loop) }
        if let maxThreads = configuration.maxThreads, maxThreads >= 1 { loops = Array(loops.prefix(maxThreads)) }
        self.loops = loops
        self.threads = RouterThreadsRecord(max: loops.count, isSelfScaling: configuration.clusterPurpose != .devTest)
        if configuration.metrics {
            let admission = self.admission
            // One shard per event loop: loop `i` counts in shard `i` (`ClientConnectionHandler.shard`).
            metrics = RouterMetrics(registry: MetricsRegistry(shards: loops.count), load: { admission.load() })
        } else {
            metrics = nil
        }
    }

    /// This router's own metrics, which `GET /metrics` serves; nil when `Configuration.metrics` is off.
    public var metricsRegistry: MetricsRegistry? { metrics?.registry }

    /// Swaps in a new route table at once, unless its generation is older than the one in use.
    /// Requests in flight finish on their replica; queued ones move to replicas with room.
    /// Callable from any thread, before or during `run()`.
    ///
    /// - Returns: whether the table was applied.
    @discardableResult
    public func update(_ table: RouteTable) -> Bool {
        let applied = admission.update(table)
        if applied {
            rollout.update(table)
            metrics?.update(table)
            readiness.tableApplied()
        }
        logger.trace(
            "Route table update", metadata: ["generation": "\(table.generation)", "applied": "\(applied)"])
        return applied
    }

    /// Requests in flight and queued, per service and replica, right now, and the router's threads.
    public func load() -> RouterLoad {
        var load = admission.load()
        load.threads = threads.current
        return load
    }

    /// Serves until graceful shutdown (stop accepting, finish the responses in flight, close) or
    /// cancellation.
    ///
    /// - Throws: `BerthError.invalidConfiguration` for a bad configuration; the bind error when
    ///   the port cannot be had.
    public func run() async throws {
        try configuration.validate()
        precondition(!started.exchange(true, ordering: .relaxed), "Router.run() must be called only once.")
        let registry = ConnectionRegistry(maxConnections: configuration.maxConnections)
        let listeners = RouterListeners()
        let handler = RouterRequestHandler(
            admission: admission, rollout: rollout, proxy: ReplicaProxy(connectTimeout: configuration.connectTimeout),
            maxBodyBytes: configuration.maxBodyBytes, maxBusyRetries: configuration.maxBusyRetries,
            readiness: readiness, bodyBudget: BodyBudget(limit: configuration.maxBufferedBodyBytes),
            timeouts: ConnectionTimeouts(
                head: configuration.requestHeadTimeout, idle: configuration.clientIdleTimeout),
            metrics: metrics, tracer: configuration.tracer, logger: logger)
        if configuration.port != 0 {
            try await Self.checkPortIsFree(host: configuration.host, port: configuration.port)
        }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                var port = configuration.port
                for index in 0..<min(threads.current.max, configuration.initialThreads ?? .max) {
                    let listener = try await bind(loop: index, port: port, registry: registry, handler: handler)
                    port = listener.localAddress?.port ?? port
                    guard listeners.add(listener) else { break }
                }
                threads.setActive(listeners.count)
                logger.info(
                    "Router listening",
                    metadata: [
                        "address": "\(configuration.host):\(port)", "threads": "\(listeners.count)",
                        "tls":
                            "\(configuration.tls.map { "on (\($0.identity.subjectNames.joined(separator: ", ")))" } ?? "off")",
                    ])
                onListening(port)
                await scaleThreads(listeners: listeners) { index in
                    let listener = try await self.bind(loop: index, port: port, registry: registry, handler: handler)
                    _ = listeners.add(listener)
                }
            } onGracefulShutdown: {
                listeners.closeAll()
                registry.quiesceAll()
            }
            // Graceful shutdown (or cancellation) closed the listeners; the connections finish
            // the responses in flight and close.
            await registry.allClosed()
        } onCancel: {
            listeners.closeAll()
            registry.closeAll()
        }
        logger.info("Router stopped", metadata: ["address": "\(configuration.host):\(configuration.port)"])
    }

    /// A listening socket on event loop `index`, sharing `port` with the others (`SO_REUSEPORT`);
    /// each connection it accepts is served by a `ClientConnectionHandler` on that loop.
    func bind(
        loop index: Int, port: Int, registry: ConnectionRegistry, handler: RouterRequestHandler
    ) async throws -> any Channel {
        try await ServerBootstrap(group: loops[index])
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(Self.reusePort, value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [tls = configuration.tls, serverNames = configuration.serverNames] channel in
                channel.eventLoop.makeCompletedFuture {
                    if let serverNames, !serverNames.isEmpty {
                        try channel.pipeline.syncOperations.addHandler(
                            ServerNameTLSHandler(certificates: serverNames, fallback: tls))
                    } else if let tls {
                        try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
                    }
                    guard registry.add(channel) else {
                        try channel.pipeline.syncOperations.addHandler(
                            RefusedConnectionHandler(limit: registry.maxConnections, shared: handler))
                        return
                    }
                    // No NIO HTTP handler: `ClientConnectionHandler` reads requests from the bytes
                    // (`RequestFramer`), handles pipelining and writes responses as bytes.
                    try channel.pipeline.syncOperations.addHandler(
                        ClientConnectionHandler(shared: handler, shard: index))
                }
            }
            .bind(host: configuration.host, port: port).get()
    }

    /// `SO_REUSEPORT`, which NIO has no name for: listeners on several event loops share one port.
    private static let reusePort = ChannelOptions.Types.SocketOption(
        level: .socket, name: NIOBSDSocket.Option(rawValue: SO_REUSEPORT))

    /// Fails with the bind error when something else listens on `port` already (the listeners use
    /// `SO_REUSEPORT`, which would otherwise share the port with another router of the same user).
    private static func checkPortIsFree(host: String, port: Int) async throws {
        let probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port).get()
        try await probe.close()
    }
}
