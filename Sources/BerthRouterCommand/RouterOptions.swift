import ArgumentParser
import BerthCore
import BerthRouter
import BerthTraceExport
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The router process, as `berth router` and the `berth-router` executable both run it: the data
/// plane alone, serving a static route table read from a file (for benchmarks,
/// `scripts/bench/router-vs-nginx.sh`), or following the control plane's route feed as the router
/// Pods of an attached Kubernetes cluster do (`--feed`, docs/kubernetes.md). The all-in-one
/// `berth server` runs the same `Router` fed by its control plane in-process.
///
/// One set of options and one `run()` for both commands, so the two cannot drift; this module
/// links no store (GRDB), control plane or Kubernetes backend, which is what lets `berth-router`
/// ship without them.
///
/// ```swift
/// @main struct RouterMain: AsyncParsableCommand {
///     static let configuration = RouterOptions.commandConfiguration(named: "berth-router")
///     @OptionGroup var options: RouterOptions
///     func run() async throws { try await options.run() }
/// }
/// ```
package struct RouterOptions: ParsableArguments {
    /// The command's help: its one-line abstract and its discussion, under the name `name`.
    package static func commandConfiguration(named name: String) -> CommandConfiguration {
        CommandConfiguration(commandName: name, abstract: abstract, discussion: discussion)
    }

    static let abstract =
        "Run the Berth router (data plane) alone: a static route table, or the control plane's route feed."

    static let discussion = """
        With --feed URL --compute NAME the router follows the route feed of attached cluster NAME at the \
        control plane URL (token: $BERTH_FEED_TOKEN or --feed-token-file), reconnecting with back-off and \
        serving its last table while the control plane is away. Replica addresses come from the \
        EndpointSlices of each service's Service berth-NAME when a cluster is reachable (in a Pod, or with \
        --kubeconfig); otherwise from the feed.

        The routes file is a RouteTable as JSON: {"generation": 1, "services": {"<name>": {"name": "<name>", \
        "authEnabled": false, "keyDigests": [], "scoringTimeoutMs": 60000, "maxQueueWaitMs": 500, \
        "maxConcurrentRequestsPerContainer": 1, "replicas": [{"id": "<name>-0", "host": "127.0.0.1", \
        "port": 5001}]}}} (keyDigests: lowercase hex SHA-256 of each key). Prints \
        'Listening on http://HOST:PORT' on stdout once the port is bound; logs go to stderr. Stop it with \
        Ctrl-C or SIGTERM: responses in flight finish first.
        """

    package init() {}

    @Option(name: .long, help: "The route table file (JSON, see above).")
    var routes: String?

    @Option(name: .long, help: "The control plane's URL: follow its route feed instead of --routes.")
    var feed: String?

    @Option(name: .long, help: "With --feed: the attached cluster (compute target) whose routes to serve.")
    var compute: String?

    @Option(name: .long, help: "With --feed: a file holding the cluster's feed token (else $BERTH_FEED_TOKEN).")
    var feedTokenFile: String?

    @Option(
        name: .long,
        help: "With an https --feed: the CA (PEM) its certificate comes from, trusted beside the system's CAs.")
    var feedCaFile: String?

    @Option(
        name: .long,
        help: "With --feed: read EndpointSlices through this kubeconfig (default in a Pod: its service account).")
    var kubeconfig: String?

    @Option(name: .long, help: "With --kubeconfig: the context to use (default: current-context).")
    var context: String?

    @Option(
        name: .long,
        help: "With --feed: the namespace of the replicas' Services (default: the kubeconfig's or the Pod's).")
    var namespace: String?

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on; 0 lets the OS pick (the chosen one is printed).")
    var port: Int = 8080

    @Option(name: .long, help: "FastProd (default: the router scales its event-loop threads) or DevTest (fixed).")
    var clusterPurpose: String = ClusterPurpose.fastProd.rawValue

    @Option(
        name: .long,
        help:
            "The most event-loop threads the router uses (default: one per core). On FastProd it starts with them all and scales between 1 and this."
    )
    var maxThreads: Int?

    @OptionGroup(title: "Client limits")
    var limits: RouterLimitOptions

    @OptionGroup(title: "TLS (--ssl-self-signed uses the CA of $BERTH_HOME)")
    var tls: TLSOptions

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    /// Rejects option combinations the router cannot run with, before anything starts.
    package func validate() throws {
        guard (routes == nil) != (feed == nil) else {
            throw ValidationError(
                "Give either --routes FILE (a static table) or --feed URL (the control plane's route feed).")
        }
        if feed != nil, compute?.isEmpty ?? true {
            throw ValidationError("--feed needs --compute NAME: the attached cluster whose routes to serve.")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port (\(port)) must be 0–65535.") }
        guard ClusterPurpose(rawValue: clusterPurpose) != nil else {
            throw ValidationError("--cluster-purpose '\(clusterPurpose)' is not FastProd or DevTest.")
        }
        if let maxThreads, maxThreads < 1 {
            throw ValidationError("--max-threads (\(maxThreads)) must be at least 1.")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error.")
        }
    }

    /// Runs the router (with the feed follower, load reporter and EndpointSlice watchers of a
    /// `--feed` router) until SIGTERM or SIGINT; responses in flight finish first.
    ///
    /// - Throws: `ValidationError` for a routes file, TLS files or a feed token that cannot be
    ///   used; what the services throw.
    package func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "berth.router")
        let host = self.host
        let traceExport = try TraceExport.fromEnvironment(serviceName: "berth-router", logger: logger)
        var configuration = Router.Configuration(host: host, port: port)
        configuration.tracer = traceExport?.tracer
        configuration.clusterPurpose = ClusterPurpose(rawValue: clusterPurpose) ?? .fastProd
        configuration.maxThreads = maxThreads
        limits.apply(to: &configuration)
        let serving = try tls.context(workspace: WorkspaceLayout.fromEnvironment().root, host: host, logger: logger)
        configuration.tls = serving?.tls
        let tls = self.tls
        let router = Router(
            configuration: configuration, logger: logger,
            onListening: { port in
                FileHandle.standardOutput.write(Data("Listening on \(tls.routerURL(host: host, port: port))\n".utf8))
            })
        // The exporter first, so it stops last and flushes the spans of the requests that drained.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] =
            (traceExport.map { [.init(service: $0.service)] } ?? []) + [.init(service: router)]
        if let serving { services.append(.init(service: serving.tls)) }
        if let routes {
            let table: RouteTable
            do {
                table = try BerthJSON.decoder().decode(
                    RouteTable.self, from: Data(contentsOf: URL(fileURLWithPath: routes)))
            } catch {
                throw ValidationError("--routes '\(routes)' is not a readable route table: \(error)")
            }
            router.update(table)
        } else if let feed, let compute {
            services += try feedServices(controlPlaneURL: feed, compute: compute, router: router, logger: logger)
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
