import BerthCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

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

    /// Checks the configuration's paths; nothing starts until `run()`.
    ///
    /// - Parameter onListening: called once with the bound port, before any worker is ready.
    /// - Throws: `BerthError.invalidConfiguration` naming the flag whose value is wrong.
    public init(
        configuration: Configuration,
        logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.launch = try WorkerLaunch(configuration: configuration)
        self.onListening = onListening
    }

    /// Serves until graceful shutdown, which answers the requests in flight, stops the workers
    /// and then closes the listening socket; cancellation kills the workers at once.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let pool = WorkerPool(
            policy: configuration.poolPolicy, launch: launch, group: group, logger: logger,
            exitAfterWorkerFailures: configuration.exitAfterWorkerFailures)
        let routes = ReplicaRoutes(
            pool: pool, maxBodyBytes: configuration.maxBodyBytes,
            scoringTimeoutMs: Int(configuration.scoringTimeout / .milliseconds(1)), logger: logger)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ReplicaHTTPHandler(routes: routes))
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        let port = server.localAddress?.port ?? configuration.port
        logger.info(
            "Replica listening",
            metadata: ["address": "\(configuration.host):\(port)", "workers": "\(configuration.workerCount)"])
        onListening(port)
        do {
            try await withGracefulShutdownHandler {
                try await pool.run()
            } onGracefulShutdown: {
                pool.beginShutdown()
            }
        } catch {
            try? await server.close()
            throw error
        }
        try? await server.close()
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
        try require(maxBodyBytes > 0, "The body limit (\(maxBodyBytes) bytes) must be greater than 0.")
    }

    /// The worker pool's limits.
    var poolPolicy: WorkerPoolStateMachine<ScoringJob, ContinuousClock.Instant>.Policy {
        .init(
            workerCount: workerCount, maxConcurrent: maxConcurrentRequests, scoringTimeout: scoringTimeout,
            backoff: RestartBackoff(initial: restartBackoffInitial, maximum: restartBackoffMaximum),
            exitGracePeriod: workerExitGracePeriod)
    }
}
