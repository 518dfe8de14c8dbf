import BerthCore
import BerthMetrics
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One replica: an HTTP/1.1 server on 127.0.0.1 in front of N Python workers that run the user's
/// Azure ML entry script.
///
/// It serves the routes of Azure's scoring container (`POST|GET /score`, `GET /` liveness,
/// `GET /swagger.json`) plus `GET /ready`, which the router and the local backend poll. Requests
/// beyond `maxConcurrentRequests` get 429 at once, so the router in front can queue or pick
/// another replica; the worker pool decides everything else (docs/worker-protocol.md).
///
/// ```swift
/// let host = try ReplicaHost(
///     configuration: .init(entryScript: "score.py", sourceDirectory: "app", modelDirectory: "models"),
///     logger: logger,
///     onListening: { port in print("Listening on http://127.0.0.1:\(port)") })
/// try await ServiceGroup(services: [host], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct ReplicaHost: Service {
    let configuration: Configuration
    let logger: Logger
    private let launch: WorkerLaunch
    private let onListening: @Sendable (Int) -> Void
    /// The replica's metrics, served at `GET /metrics`.
    public let metrics: MetricsRegistry

    /// Checks the configuration's paths; nothing starts until `run()`.
    ///
    /// - Parameters:
    ///   - metrics: where the replica's metrics go (a registry of its own unless one is given).
    ///   - onListening: called once with the bound port, before any worker is ready.
    /// - Throws: `BerthError.invalidConfiguration` naming the flag whose value is wrong.
    public init(
        configuration: Configuration,
        logger: Logger,
        metrics: MetricsRegistry = MetricsRegistry(),
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        try configuration.validate()
        self.metrics = metrics
        self.configuration = configuration
        self.logger = logger
        self.launch = try WorkerLaunch(configuration: configuration)
        self.onListening = onListening
    }

    /// Serves until graceful shutdown, which answers the requests in flight, stops the workers
    /// and then closes the listening socket; cancellation kills the workers at once.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let replicaMetrics = ReplicaMetrics(registry: metrics)
        let pool = WorkerPool(
            policy: configuration.poolPolicy, launch: launch, group: group, logger: logger,
            exitAfterWorkerFailures: configuration.exitAfterWorkerFailures, metrics: replicaMetrics)
        replicaMetrics.collect(from: pool)
        // In a Kubernetes Pod, what must not stay in the Pod goes to the control plane.
        let uploader =
            needsUploader
            ? configuration.controlPlaneUpload.map { ControlPlaneUploader(upload: $0, logger: logger) } : nil
        let telemetry = try requestTelemetry(metrics: replicaMetrics, uploader: uploader)
        let modelData = modelDataShipper(uploader: uploader)
        let routes = ReplicaRoutes(
            pool: pool, maxBodyBytes: configuration.maxBodyBytes,
            scoringTimeoutMs: Int(configuration.scoringTimeout / .milliseconds(1)),
            routerSecret: RouterSecretCheck(secret: configuration.replicaSecret), metrics: replicaMetrics,
            telemetry: telemetry, tracer: configuration.tracer, logger: logger)
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ReplicaHTTPHandler(routes: routes))
                }
            }
        let server: any Channel
        let address: String
        if let path = configuration.unixSocketPath {
            // Only the router (the same user) may connect: the socket is 0600 in a 0700 folder.
            server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
            guard chmod(path, 0o600) == 0 else {
                try? await server.close()
                throw BerthError.invalidConfiguration("Could not make the socket \(path) private (chmod 0600).")
            }
            address = "unix:\(path)"
        } else {
            bootstrap = bootstrap.serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            server = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            address = "\(configuration.host):\(server.localAddress?.port ?? configuration.port)"
        }
        let port = server.localAddress?.port ?? 0
        logger.info(
            "Replica listening",
            metadata: [
                "address": "\(address)", "workers": "\(configuration.workerCount)",
                "router.secret": configuration.replicaSecret == nil ? "not required" : "required",
            ])
        onListening(port)
        // The recorder and the model data shipper run beside the server; they stop once the pool
        // has answered its last request, so what requests finished during a graceful shutdown
        // recorded is written or sent too.
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let recorder = telemetry?.recorder { group.addTask { await recorder.run() } }
                if let modelData { group.addTask { await modelData.run() } }
                do {
                    try await withGracefulShutdownHandler {
                        try await pool.run()
                    } onGracefulShutdown: {
                        pool.beginShutdown()
                    }
                } catch {
                    telemetry?.recorder.finish()
                    modelData?.finish()
                    try? await server.close()
                    throw error
                }
                telemetry?.recorder.finish()
                modelData?.finish()
                try await group.waitForAll()
            }
        } catch {
            await uploader?.shutdown()
            throw error
        }
        await uploader?.shutdown()
        try? await server.close()
    }

    /// The request telemetry of this replica, when its configuration asks for it.
    private func requestTelemetry(metrics: ReplicaMetrics, uploader: ControlPlaneUploader?) throws
        -> ReplicaTelemetry?
    {
        guard let context = configuration.requestTelemetry else { return nil }
        let sink: any RequestTelemetrySink
        if let directory = context.directory {
            sink = try RequestTelemetrySegments(
                folder: URL(fileURLWithPath: directory, isDirectory: true), replica: configuration.replicaID)
            logger.info("Request telemetry on", metadata: ["telemetry.folder": "\(directory)"])
        } else if let uploader {
            // In a Kubernetes Pod: the lines go to the control plane, not into the Pod.
            sink = RequestTelemetryShipper(
                uploader: uploader, service: context.service, replica: configuration.replicaID, logger: logger)
            logger.info("Request telemetry on", metadata: ["telemetry.destination": "\(uploader.upload.url)"])
        } else {
            logger.notice(
                "Request telemetry is on but this replica has neither a telemetry folder nor the control plane's address; no lines are recorded",
                metadata: ["service.name": "\(context.service)"])
            return nil
        }
        let counters = metrics.telemetryCounters()
        let recorder = RequestTelemetryRecorder(
            sink: sink, logger: logger,
            onDrop: { reason, count in counters.dropped[reason]?.increment(by: Int64(count)) },
            onWritten: { count in counters.written.increment(by: Int64(count)) })
        return ReplicaTelemetry(recorder: recorder, context: context, replica: configuration.replicaID)
    }
}

extension ReplicaHost {
    /// Whether anything goes to the control plane: telemetry without a folder, or model data.
    private var needsUploader: Bool {
        configuration.controlPlaneUpload != nil
            && ((configuration.requestTelemetry.map { $0.directory == nil } ?? false)
                || configuration.modelDataFolder != nil)
    }

    /// The shipper of the rows `ModelDataCollector` writes in a Kubernetes Pod, when it collects.
    private func modelDataShipper(uploader: ControlPlaneUploader?) -> ModelDataShipper? {
        guard let uploader, let folder = configuration.modelDataFolder else { return nil }
        guard let service = configuration.serviceName else {
            logger.notice("Model data collection is on but the replica has no service name; the rows are not sent")
            return nil
        }
        logger.info("Collected model data is sent to the control plane", metadata: ["modeldata.folder": "\(folder)"])
        return ModelDataShipper(
            folder: URL(fileURLWithPath: folder, isDirectory: true), uploader: uploader, service: service,
            replica: configuration.replicaID, logger: logger)
    }
}

extension ReplicaHost.Configuration {
    /// Refuses values no replica can run with, naming the flag.
    func validate() throws {
        func require(_ condition: Bool, _ message: String) throws {
            if !condition { throw BerthError.invalidConfiguration(message) }
        }
        try require(workerCount >= 1, "--workers (\(workerCount)) must be at least 1.")
        try require(
            maxConcurrentRequests >= 1, "--max-concurrent (\(maxConcurrentRequests)) must be at least 1.")
        try require(
            scoringTimeout > .zero, "--scoring-timeout-ms must be greater than 0 (got \(scoringTimeout)).")
        try require((0...65535).contains(port), "--port (\(port)) must be between 0 and 65535.")
        if let unixSocketPath {
            try require(
                !unixSocketPath.isEmpty && unixSocketPath.utf8.count <= Self.maxSocketPathBytes,
                "--unix-socket must be a path of 1–\(Self.maxSocketPathBytes) bytes (got \(unixSocketPath.utf8.count)); "
                    + "use a shorter folder.")
        }
        try require(maxBodyBytes > 0, "The body limit (\(maxBodyBytes) bytes) must be greater than 0.")
    }

    /// The longest Unix domain socket path the system takes (`sun_path` holds 108 bytes with its NUL).
    public static let maxSocketPathBytes = 107

    /// The worker pool's limits.
    var poolPolicy: WorkerPoolStateMachine<ScoringJob, ContinuousClock.Instant>.Policy {
        .init(
            workerCount: workerCount, maxConcurrent: maxConcurrentRequests, scoringTimeout: scoringTimeout,
            backoff: RestartBackoff(initial: restartBackoffInitial, maximum: restartBackoffMaximum),
            exitGracePeriod: workerExitGracePeriod)
    }
}
