import BerthAuth
import BerthBackends
import BerthCore
import BerthMetrics
import BerthStore
import BerthTLS
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The control plane: the workspace's REST API on 127.0.0.1, backed by the SQLite store and the
/// artifact store in `$BERTH_HOME`.
///
/// ```swift
/// let controlPlane = try ControlPlane(configuration: .init(workspace: .fromEnvironment()), logger: logger)
/// try await ServiceGroup(services: [controlPlane], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct ControlPlane: Service {
    /// Where and how the control plane listens.
    public struct Configuration: Sendable {
        /// The workspace folder.
        public var workspace: WorkspaceLayout
        /// Listen address; only loopback by default, since the API is the workspace's admin API.
        public var host: String = "127.0.0.1"
        /// Listen port; 0 lets the OS pick (the chosen one is written to `server.json`). Default 8890.
        public var port: Int = 8890

        /// The router's base URL, when it listens, for scoring URIs and `server.json`.
        public var routerURL: @Sendable () -> String?
        /// The CA file clients trust for the router's TLS (a workspace-minted certificate), for
        /// `server.json`. Default nil.
        public var routerCAFile: String? = nil
        /// TLS for the admin API itself, required when it listens beyond loopback; the URL in
        /// `server.json` then says https, with `publicHost` (else the bound address). Default nil.
        package var tls: ReloadingTLSContext? = nil
        /// The host name clients reach the admin API at (the certificate's name). Default nil.
        public var publicHost: String? = nil
        /// How long start-up waits for `routerURL` before serving without it. Default 0 (no router).
        public var routerWait: Duration = .zero
        /// How long lower load must hold before the autoscaler removes a replica. Default 60 s.
        public var scaleDownStabilization: Duration = .seconds(60)
        /// The router's per-endpoint-version metrics over a window (`Router.endpointMetrics`), for
        /// `GET /api/v1/endpoints/<name>/metrics`; none without a router.
        public var endpointMetrics: @Sendable (Duration) -> [String: [EndpointVersionMetrics]] = { _ in [:] }
        /// The port of the proxy Azure's SDK uploads blobs through (`BlobProxy`, on 127.0.0.1;
        /// `server.json` names it); 0 lets the OS pick, nil runs no proxy. Default 0.
        public var sdkProxyPort: Int? = 0
        /// Where the router takes the certificates of compute targets with TLS (by SNI); nil:
        /// compute targets cannot have TLS on this server. Default nil.
        package var serverNames: ServerNameCertificates? = nil
        /// The router's metrics registry, which the dashboard's history samples (request rates and
        /// latency per service) along with the control plane's own; nil: no router in this process,
        /// and the dashboard plots replicas only. Default nil.
        public var routerMetrics: MetricsRegistry? = nil

        public init(
            workspace: WorkspaceLayout, host: String = "127.0.0.1", port: Int = 8890,
            routerURL: @escaping @Sendable () -> String? = { nil }
        ) {
            self.workspace = workspace
            self.host = host
            self.port = port
            self.routerURL = routerURL
        }
    }

    let configuration: Configuration
    let logger: Logger
    let store: any MetadataStore
    /// The same SQLite store, seen as the endpoints' store.
    let endpointStore: any EndpointStore
    /// The same SQLite store, holding the Azure dialect's assets and registered environments.
    let azureRecords: any AzureAssetStore & AzureEnvironmentStore
    let artifacts: any ArtifactStore
    let adminToken: String
    let backend: any ComputeBackend
    /// Attached Kubernetes clusters (their kubeconfigs and backends).
    let clusters: KubernetesClusters
    let queue = DeploymentQueue()
    let routes: RoutePublisher
    /// The one writer of services' observed status.
    let observer: ServiceStatusObserver
    /// Fired by the backends when replicas change.
    let changes: ChangeSignal
    /// The route tables served to routers in attached clusters (`GET /api/v1/routes`).
    let feed = RouteFeed()
    let board = AutoscalerBoard()
    /// The load the autoscaler reads: the in-process router's plus remote routers' reports.
    let routerLoads: RouterLoads
    /// Signs access tokens; its public keys go to routers in the route table.
    let signingKeys: WorkspaceSigningKeys
    /// The blob storage of the Azure SDK facade: upload URLs, the blob index, the bytes.
    let blobs: AzureBlobs
    /// Held for the control plane's lifetime: one server per workspace.
    let workspaceLock: WorkspaceLock
    /// The compute targets' TLS certificates, which the router serves.
    let certificates: ComputeCertificates
    /// This control plane's own metrics (`GET /metrics`).
    let metrics = ControlPlaneMetrics()

    /// The dashboard's login links and sessions (`/ui`, `berth ui`).
    let dashboardAccess = DashboardAccess(clock: ContinuousClock())
    /// The dashboard's history of replicas, request rates and latency, written by `DashboardSampler`.
    let dashboardHistory = DashboardRecorder()

    /// The control plane's own metrics, which its `GET /metrics` serves.
    public var metricsRegistry: MetricsRegistry { metrics.registry }

    /// Opens the workspace (creating it, its database and its admin token on first start).
    ///
    /// - Parameters:
    ///   - backend: runs the replicas of deployments (the `LocalBackend` in the embedded server).
    ///   - changes: fired by the backend when a replica's readiness changes.
    ///   - publishRoutes: receives each new route table (the router's `update`).
    ///   - routerLoad: the router's load report (`load()`), which drives the autoscaler.
    public init(
        configuration: Configuration, backend: any ComputeBackend, changes: ChangeSignal, logger: Logger,
        publishRoutes: @escaping @Sendable (RouteTable) -> Void = { _ in },
        routerLoad: @escaping @Sendable () -> RouterLoad = { RouterLoad() }
    ) throws {
        self.configuration = configuration
        routerLoads = RouterLoads(local: routerLoad)
        self.logger = logger
        let layout = configuration.workspace
        let manager = FileManager.default
        try manager.createDirectory(at: layout.root, withIntermediateDirectories: true)
        try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: layout.root.path)
        // Before anything else touches the workspace: opening the artifact store clears uploads
        // in progress, which must never be another running server's.
        workspaceLock = try WorkspaceLock(layout: layout)
        let database = try SQLiteMetadataStore(path: layout.database)
        store = database
        endpointStore = database
        azureRecords = database
        artifacts = try FileArtifactStore(root: layout.artifacts)
        blobs = try AzureBlobs(workspace: layout, store: database, artifacts: artifacts)
        adminToken = try SecretFile.readOrCreate(at: layout.adminTokenFile) { SecretFile.randomToken() }
        signingKeys = try WorkspaceSigningKeys(file: SigningKeyFile(workspace: layout))
        certificates = ComputeCertificates(
            folder: layout.root.appendingPathComponent("tls", isDirectory: true),
            serverNames: configuration.serverNames, logger: logger)
        // The Pods of a Kubernetes deployment and the routers in front of them get the same
        // derived secret: the manifests from the clusters, the route table from the publisher.
        let replicaSecrets = try ReplicaSecrets(workspace: layout)
        // Each deployment runs on its compute target's backend: `backend` for local clusters, a
        // KubernetesBackend for attached ones.
        clusters = try KubernetesClusters(
            workspace: layout, replicaSecrets: replicaSecrets, artifacts: artifacts, logger: logger,
            onChange: { changes.fire() })
        let backend = ComputeBackendResolver(local: backend, store: store, clusters: clusters, logger: logger)
        self.backend = backend
        self.changes = changes
        observer = ServiceStatusObserver(store: store, backend: backend, changes: changes, logger: logger)
        routes = RoutePublisher(
            store: store, endpointStore: endpointStore, backend: backend, signal: changes, signingKeys: signingKeys,
            replicaSecrets: replicaSecrets, logger: logger, feed: feed, publish: publishRoutes)
    }

    /// The purpose the in-process router follows (`Router.followClusterPurpose`): DevTest when
    /// every local cluster is DevTest, FastProd when any is FastProd; nil without a local cluster
    /// or when the store cannot be read (the router keeps what it does).
    public func localClusterPurpose() async -> ClusterPurpose? {
        guard let computes = try? await store.computes() else { return nil }
        let local = computes.filter { $0.computeType == .local }
        if local.isEmpty { return nil }
        return local.contains { $0.clusterPurpose == .fastProd } ? .fastProd : .devTest
    }

    /// The router of the REST API, also used by in-process tests.
    func buildRouter() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        router.add(
            middleware: AdminAuthMiddleware(
                token: adminToken, artifactGrants: clusters.artifactGrants, sdkTokens: signingKeys,
                openPaths: AdminAuthMiddleware<BasicRequestContext>.standardOpenPaths.union(
                    AzureRoutes<BasicRequestContext>.openPaths)))
        // Not yet generated: /openapi.json is served as the committed document's bytes.
        router.get("/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        let operations = LongOperations(store: store, changes: queue.operationChanges)
        let computeTargets = ComputeTargets(
            store: store, clusters: clusters, certificates: certificates, routerURL: configuration.routerURL,
            routesChanged: { [routes] in routes.changed() },
            setURIs: { [observer] in try await observer.setURIs(ofService: $0, scoringUri: $1, swaggerUri: $2) })
        let feedRoutes = RouteFeedRoutes<BasicRequestContext>(feed: feed, store: store, clusters: clusters)
        // Not yet generated: GET /api/v1/routes (the route feed's watch stream) is this
        // hand-written route; ControlPlaneAPI.handWritten says why.
        feedRoutes.add(to: router)
        let credentials = ServiceCredentials(
            store: store, keyring: ServiceKeyring(store: store), signingKeys: signingKeys, routes: routes)
        let endpointManager = EndpointManager(
            store: store, endpoints: endpointStore, deployer: Deployer(store: store, queue: queue), queue: queue,
            routes: routes, signingKeys: signingKeys, routerURL: configuration.routerURL,
            drain: DeploymentDrain(loads: routerLoads))
        let api = ControlPlaneAPI(
            registry: ModelRegistry(store: store, artifacts: artifacts), artifacts: artifacts,
            computes: computeTargets, operations: operations, deployer: Deployer(store: store, queue: queue),
            store: store, backend: backend, credentials: credentials, board: board,
            clusterURIs: ClusterScoringURIs(store: store, clusters: clusters), endpoints: endpointManager,
            metrics: configuration.endpointMetrics, signingKeys: signingKeys, routes: routes, adminToken: adminToken,
            workspace: configuration.workspace, loads: routerLoads, feedTokens: feedRoutes,
            environmentCache: EnvironmentCache(configuration: .standard(layout: configuration.workspace)),
            scrapes: MetricsScrapes(metrics: metrics, store: store, backend: backend, board: board, feed: feed),
            shippedTelemetry: ShippedTelemetry(root: configuration.workspace.telemetry),
            shippedModelData: ShippedModelData(root: configuration.workspace.modelData),
            dashboard: dashboardAccess)
        // Every other operation of openapi/berth.json, by the generated server. Registering fails
        // only on a path the router cannot parse: a fault of the build, not of the workspace.
        do {
            try api.register(on: router)
        } catch {
            preconditionFailure("The generated API cannot be registered: \(error)")
        }
        AzureRoutes(
            scope: AzureScope(identity: blobs.identity, tls: configuration.tls != nil), store: store,
            assets: azureRecords, environments: azureRecords, artifacts: artifacts, blobs: blobs,
            computes: computeTargets, operations: operations,
            deployer: Deployer(store: store, queue: queue), backend: backend, credentials: credentials,
            endpointManager: endpointManager, workspace: configuration.workspace, routerURL: configuration.routerURL
        ).add(to: router)
        // Hand-written, outside the admin API: the dashboard's page and reads, behind its session cookie.
        let dashboard = DashboardData(
            store: store, endpoints: endpointManager, board: board, recorder: dashboardHistory,
            sampleInterval: DashboardSampler<ContinuousClock>.standardInterval,
            versionMetrics: configuration.endpointMetrics, telemetryFolder: configuration.workspace.telemetry,
            backend: backend)
        DashboardRoutes<BasicRequestContext, ContinuousClock>(
            access: dashboardAccess, summary: { try await dashboard.summary(historySince: $0) },
            logs: { try await dashboard.logs(ofService: $0, lines: $1) }, secureCookie: configuration.tls != nil
        ).add(to: router)
        return router
    }

    /// Serves the API and runs the deployment runner, the route publisher and the autoscaler beside it.
    public func run() async throws {
        var runner = DeploymentRunner(
            queue: queue, store: store, backend: backend,
            files: DeploymentFiles(workspace: configuration.workspace, artifacts: artifacts),
            keyring: ServiceKeyring(store: store), routes: routes, observer: observer, changes: changes,
            routerURL: configuration.routerURL,
            environments: MeteredEnvironmentBuilder(
                base: VenvEnvironmentBuilder(configuration: .standard(layout: configuration.workspace)),
                metrics: metrics),
            logger: logger)
        runner.clusterURIs = ClusterScoringURIs(store: store, clusters: clusters)
        certificates.serveStored(try await store.computes())
        var autoscaler = Autoscaler(
            store: store, backend: backend, queue: queue, routesChanged: { [routes] in routes.changed() }, board: board,
            loads: routerLoads,
            logger: logger)
        autoscaler.scaleDownStabilization = configuration.scaleDownStabilization
        autoscaler.metrics = metrics
        // The dashboard's history reads what /metrics serves: this scrape and the router's registry.
        let scrapes = MetricsScrapes(metrics: metrics, store: store, backend: backend, board: board, feed: feed)
        let routerMetrics = configuration.routerMetrics
        let sampler = DashboardSampler(
            recorder: dashboardHistory, clock: ContinuousClock(),
            read: { await DashboardReading.read(controlPlane: scrapes, router: routerMetrics) })
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { [runner] in try await runner.run() }
            group.addTask { [autoscaler] in try await autoscaler.run() }
            group.addTask { try await routes.run() }
            group.addTask { [observer] in try await observer.run() }
            group.addTask { [clusters] in try await clusters.run() }
            group.addTask { try await sampler.run() }
            let sdkProxyURL = try await startBlobProxy(in: &group)
            try await serveAPI(sdkProxyURL: sdkProxyURL)
            group.cancelAll()
        }
    }

    private func serveAPI(sdkProxyURL: String?) async throws {
        let layout = configuration.workspace
        let logger = self.logger
        let routerURL = configuration.routerURL
        let caFile = configuration.routerCAFile
        let tlsOn = configuration.tls != nil
        let publicHost = configuration.publicHost
        // The router starts beside the control plane; wait briefly so server.json names both.
        let deadline = ContinuousClock.now.advanced(by: configuration.routerWait)
        while routerURL() == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        let app = Application(
            router: buildRouter(),
            server: .http1(tls: configuration.tls, additionalChannelHandlers: { [UnreadableRequestHandler()] }),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "berth"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let router = routerURL()
                let scheme = tlsOn ? "https" : "http"
                var info = ServerInfo(
                    controlPlaneURL: "\(scheme)://\(publicHost ?? layout.host(for: channel)):\(port)",
                    routerURL: router,
                    pid: ProcessInfo.processInfo.processIdentifier)
                info.routerCAFile = caFile
                info.sdkProxyURL = sdkProxyURL
                do {
                    try BerthJSON.encode(info, pretty: true).write(to: layout.serverInfoFile, options: .atomic)
                    logger.info("Control plane listening", metadata: ["url": "\(info.controlPlaneURL)"])
                } catch {
                    logger.error("Cannot write server.json", metadata: ["error": "\(error)"])
                }
            },
            logger: logger)
        try await app.runService()
        try? FileManager.default.removeItem(at: layout.serverInfoFile)
    }
}

extension WorkspaceLayout {
    /// The address clients on this machine reach a listener at: the bound one, or loopback for
    /// a wildcard bind.
    fileprivate func host(for channel: any Channel) -> String {
        let address = channel.localAddress?.ipAddress ?? "127.0.0.1"
        if address == "0.0.0.0" { return "127.0.0.1" }
        if address == "::" { return "[::1]" }
        return address.contains(":") ? "[\(address)]" : address
    }
}
