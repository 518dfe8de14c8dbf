import ArgumentParser
import BerthBackends
import BerthControlPlane
import BerthCore
import BerthRouter
import BerthRouterCommand
import BerthTLS
import BerthTraceExport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `berth server`: runs the workspace's control plane, the router (data plane) and the local
/// backend that runs replicas, until SIGTERM or SIGINT.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the Berth server (control-plane API, router, local backend) on this machine.",
        discussion: """
            Creates the workspace on first start: the SQLite store, the artifact store and the admin \
            token ($BERTH_HOME/admin-token, mode 0600). Writes its address to $BERTH_HOME/server.json so the \
            CLI finds it. Replicas of deployed services run as child processes and stop with the server; \
            a restarted server starts the stored services again. Stop it with Ctrl-C or SIGTERM.
            """
    )

    @Option(name: .long, help: "The workspace folder (default: $BERTH_HOME, else ~/.berth).")
    var home: String?

    @Option(
        name: .long,
        help: "Router (scoring) address to listen on; scoring is what you expose (e.g. 0.0.0.0), not the admin API.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Router (scoring) port (0 lets the OS pick).")
    var routerPort: Int = 8080

    @Option(
        name: .long,
        help:
            "Control-plane (admin API) address. Loopback by default; any other address needs the --ssl-… options, and is then served with TLS too."
    )
    var adminHost: String = "127.0.0.1"

    @Option(
        name: [.customLong("admin-port"), .customLong("port")],
        help: "Control-plane (admin API) port (0 lets the OS pick); --port is the older name.")
    var adminPort: Int = 8890

    @Option(
        name: .long,
        help:
            "Port of the proxy Azure ML's Python SDK sends its blob uploads through, on 127.0.0.1 (its HTTPS_PROXY; 0 lets the OS pick; server.json names it)."
    )
    var sdkProxyPort: Int = 0

    @Option(
        name: .long,
        help: "How long lower load must last before the autoscaler removes a replica, in seconds (the seed's minute).")
    var scaleDownDelay: Int = 60

    @OptionGroup(title: "Router client limits")
    var limits: RouterLimitOptions

    @OptionGroup(title: "Router TLS")
    var tls: TLSOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func validate() throws {
        for (flag, port) in [
            ("--admin-port", adminPort), ("--router-port", routerPort), ("--sdk-proxy-port", sdkProxyPort),
        ] {
            guard (0...65535).contains(port) else { throw ValidationError("\(flag) (\(port)) must be 0–65535.") }
        }
        guard AdminBinding.isLoopback(adminHost) || tls.isEnabled else {
            throw ValidationError(
                "--admin-host \(adminHost) would expose the admin API (it deploys code) beyond this machine over "
                    + "plain HTTP. Keep it on 127.0.0.1 and expose only scoring with --host, or give TLS "
                    + "(--ssl-cert-pem-file/--ssl-key-pem-file or --ssl-self-signed), which the admin API then uses too."
            )
        }
    }

    func run() async throws {
        let layout =
            home.map { WorkspaceLayout(root: URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL) }
            ?? .fromEnvironment()
        var logger = Logger(label: "berth.server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let changes = ChangeSignal()
        var backendConfiguration = LocalBackend.Configuration(
            berthExecutable: Self.ownExecutable(), logDirectory: layout.logs, onChange: { changes.fire() })
        // Replicas listen on Unix domain sockets only this user reaches: scoring goes through the router.
        backendConfiguration.socketFolder = try ReplicaSocketFolder.prepare(
            preferred: layout.root.appendingPathComponent("run/replicas", isDirectory: true))
        let backend = LocalBackend(configuration: backendConfiguration, logger: logger)
        let routerURL = Mutex<String?>(nil)
        let host = self.host
        // Replicas inherit this process's environment, OTEL_* included, so their spans reach the
        // same collector (LocalReplicaProcess).
        let traceExport = try TraceExport.fromEnvironment(serviceName: "berth-server", logger: logger)
        var routerConfiguration = Router.Configuration(host: host, port: routerPort)
        routerConfiguration.tracer = traceExport?.tracer
        limits.apply(to: &routerConfiguration)
        let serving = try tls.context(workspace: layout.root, host: host, logger: logger)
        routerConfiguration.tls = serving?.tls
        // Compute targets with TLS: their certificates, served by the router for their cnames.
        let serverNames = ServerNameCertificates(logger: logger)
        routerConfiguration.serverNames = serverNames
        let tls = self.tls
        let router = Router(
            configuration: routerConfiguration, logger: logger,
            onListening: { port in routerURL.withLock { $0 = tls.routerURL(host: host, port: port) } })
        var configuration = ControlPlane.Configuration(
            workspace: layout, host: adminHost, port: adminPort, routerURL: { routerURL.withLock { $0 } })
        configuration.routerCAFile = serving?.caFile?.path
        if !AdminBinding.isLoopback(adminHost) {
            // Beyond loopback the admin API is served with the router's certificate (validate()).
            configuration.tls = serving?.tls
            configuration.publicHost = self.tls.sslCname
        }
        configuration.routerWait = .seconds(10)
        configuration.sdkProxyPort = sdkProxyPort
        configuration.serverNames = serverNames
        configuration.scaleDownStabilization = .seconds(max(0, scaleDownDelay))
        configuration.endpointMetrics = { router.endpointMetrics(window: $0) }
        configuration.routerMetrics = router.metricsRegistry
        let controlPlane = try ControlPlane(
            configuration: configuration, backend: backend, changes: changes, logger: logger,
            publishRoutes: { router.update($0) }, routerLoad: { router.load() })
        // The in-process router scales its threads only for FastProd local clusters (DevTest: fixed).
        router.followClusterPurpose { await controlPlane.localClusterPurpose() }
        // Shutdown runs in reverse: the API stops first, then the router drains, then replicas
        // stop, and the trace exporter last, flushing the spans of the requests that drained.
        let group = ServiceGroup(
            configuration: .init(
                services: (traceExport.map { [.init(service: $0.service)] } ?? []) + [
                    .init(service: backend), .init(service: router), .init(service: controlPlane),
                    .init(service: serverNames),
                ] + (serving.map { [.init(service: $0.tls)] } ?? []),
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("Workspace", metadata: ["path": "\(layout.root.path)"])
        try await group.run()
    }

    /// This process's executable, which also runs replicas (`berth replica`).
    static func ownExecutable() -> URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }
}
