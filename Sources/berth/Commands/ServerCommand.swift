import ArgumentParser
import BerthBackends
import BerthControlPlane
import BerthCore
import BerthRouter
import Synchronization
import Foundation
import Logging
import ServiceLifecycle

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

    @Option(name: .long, help: "Control-plane address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Control-plane port (0 lets the OS pick).")
    var port: Int = 8890

    @Option(name: .long, help: "Router (scoring) port (0 lets the OS pick).")
    var routerPort: Int = 8080

    @Option(
        name: .long,
        help: "How long lower load must last before the autoscaler removes a replica, in seconds (the seed's minute).")
    var scaleDownDelay: Int = 60

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func run() async throws {
        let layout =
            home.map { WorkspaceLayout(root: URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL) }
            ?? .fromEnvironment()
        var logger = Logger(label: "berth.server")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let changes = ChangeSignal()
        let backend = LocalBackend(
            configuration: .init(
                berthExecutable: Self.ownExecutable(), logDirectory: layout.logs, onChange: { changes.fire() }),
            logger: logger)
        let routerURL = Mutex<String?>(nil)
        let host = self.host
        let router = Router(
            configuration: .init(host: host, port: routerPort), logger: logger,
            onListening: { port in routerURL.withLock { $0 = "http://\(host):\(port)" } })
        var configuration = ControlPlane.Configuration(
            workspace: layout, host: host, port: port, routerURL: { routerURL.withLock { $0 } })
        configuration.routerWait = .seconds(10)
        configuration.scaleDownStabilization = .seconds(max(0, scaleDownDelay))
        configuration.endpointMetrics = { router.endpointMetrics(window: $0) }
        let controlPlane = try ControlPlane(
            configuration: configuration, backend: backend, changes: changes, logger: logger,
            publishRoutes: { router.update($0) }, routerLoad: { router.load() })
        // The in-process router scales its threads only for FastProd local clusters (DevTest: fixed).
        router.followClusterPurpose { await controlPlane.localClusterPurpose() }
        // Shutdown runs in reverse: the API stops first, then the router drains, then replicas stop.
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: backend), .init(service: router), .init(service: controlPlane)],
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
