import ArgumentParser
import BerthCore
import BerthReplica
import BerthReplicaCommand
import BerthTraceExport
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// `berth replica`: one replica of a deployed model — an HTTP server and N Python workers running
/// an Azure ML entry script unchanged. The local backend starts these; a user can run one by hand.
struct ReplicaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Serve one Azure ML entry script (init()/run()) over HTTP on this machine.",
        discussion: """
            Routes, as Azure's scoring container: POST /score (GET /score passes the query string), \
            GET / (liveness: 'Healthy'), GET /swagger.json, and GET /ready (200 once every worker's init() \
            succeeded). Prints 'Listening on http://HOST:PORT' on stdout once the port is bound, after a \
            'Warning: ' line for each of --memory-limit-mb and --cpu-limit that no cgroup can enforce here; \
            logs go to stderr. The limits are set in the cgroup file system at /sys/fs/cgroup, or where the \
            environment variable BERTH_CGROUP_ROOT says it is mounted. Stop it with Ctrl-C or SIGTERM: requests in flight finish first.

            With the environment variable BERTH_REPLICA_SECRET set (as Kubernetes Pods have it), every route \
            but GET / and GET /ready answers 401 unless the request carries that value in the \
            x-berth-replica-secret header, which only the router adds. It is never a flag: a process's \
            arguments are visible to every user of the machine.

            With the environment variable BERTH_REQUEST_TELEMETRY set (the control plane sets it for a \
            deployment with appInsightsEnabled: true), the replica writes one JSON line per scoring request \
            into the folder it names, as BERTH_REPLICA_ID; 'berth service get-telemetry' reads them.
            """)

    @OptionGroup var options: ReplicaOptions

    func run() async throws {
        let launch = options.launch
        let logLevel = launch.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "berth.replica")
        // Before any worker starts, so every worker inherits the cgroups.
        let limits = ReplicaLimits(
            memoryBytes: launch.memoryLimitMB.map { Int64($0) * 1024 * 1024 },
            cpu: launch.cpuLimit.flatMap { CPUQuota(cores: $0) })
        let placement = limits.apply(name: ProcessInfo.processInfo.environment["BERTH_REPLICA_ID"] ?? "replica")
        for report in placement.reports {
            if report.isEnforced {
                logger.info("\(report.message)")
            } else {
                logger.notice("\(report.message)")
                // On stdout too, before the 'Listening on' line: the local backend passes these
                // on to the deploy's output, so a limit that is not enforced is never silent.
                FileHandle.standardOutput.write(Data("Warning: \(report.message)\n".utf8))
            }
        }
        defer { ReplicaLimits.release(placement) }
        let (host, port, socket): (String, Int, String?) =
            switch launch.listener {
            case .tcp(let host, let port): (host, port, nil)
            case .unixSocket(let path): (ReplicaLaunch.Defaults.host, ReplicaLaunch.Defaults.port, path)
            }
        var configuration = ReplicaHost.Configuration(
            entryScript: launch.entryScript, sourceDirectory: launch.sourceDirectory,
            modelDirectory: launch.modelDirectory, python: launch.python, workerPythonPath: launch.workerPythonPath,
            workerCount: launch.workers, host: host, port: port, maxConcurrentRequests: launch.maxConcurrentRequests,
            scoringTimeout: .milliseconds(launch.scoringTimeoutMs), maxBodyBytes: launch.maxBodyMB * 1_000_000,
            serviceName: launch.serviceName)
        configuration.exitAfterWorkerFailures = launch.exitAfterWorkerFailures
        configuration.unixSocketPath = socket
        configuration.replicaSecret = ProcessInfo.processInfo.environment[ReplicaAuthentication.environmentVariable]
            .flatMap { $0.isEmpty ? nil : $0 }
        let environment = ProcessInfo.processInfo.environment
        configuration.requestTelemetry = RequestTelemetryContext.from(environment: environment)
        configuration.controlPlaneUpload = ControlPlaneUpload.from(environment: environment)
        if configuration.controlPlaneUpload != nil, environment["AML_MODEL_DC_STORAGE_ENABLED"] == "true" {
            configuration.modelDataFolder = environment["BERTH_MODEL_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        }
        configuration.replicaID = environment["BERTH_REPLICA_ID"] ?? environment["HOSTNAME"] ?? "replica"
        let traceExport = try TraceExport.fromEnvironment(environment, serviceName: "berth-replica", logger: logger)
        configuration.tracer = traceExport?.tracer
        let replica = try ReplicaHost(
            configuration: configuration,
            logger: logger,
            onListening: { port in
                // One line on stdout, so whoever started the replica learns where it listens.
                let address = socket.map { "unix:\($0)" } ?? "http://\(host):\(port)"
                FileHandle.standardOutput.write(Data("Listening on \(address)\n".utf8))
            })
        // The exporter first, so it stops last and flushes the spans of the requests that drained.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] =
            (traceExport.map { [.init(service: $0.service)] } ?? []) + [.init(service: replica)]
        if launch.exitWithParent {
            services.append(.init(service: ParentWatch(), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as BerthError where error.code == .internalError && launch.exitAfterWorkerFailures != nil {
            // The last line of the log is the reason: Kubernetes shows it as the termination message.
            FileHandle.standardError.write(Data("\(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
