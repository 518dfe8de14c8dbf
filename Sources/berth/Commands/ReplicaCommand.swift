import ArgumentParser
import BerthCore
import BerthReplica
import Foundation
import Logging
import ServiceLifecycle

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
            """)

    @Option(name: .long, help: "The entry script, relative to --source-dir or absolute.")
    var entryScript: String

    @Option(name: .long, help: "The source directory (working directory and first on sys.path).")
    var sourceDir: String

    @Option(name: .long, help: "The model folder, given to the script as AZUREML_MODEL_DIR.")
    var modelDir: String

    @Option(name: .long, help: "The Python that runs the workers (a path or a name in PATH).")
    var python: String = "python3"

    @Option(
        name: .long, help: "The folder holding berth_worker/ (default: $BERTH_PYTHONPATH, else found beside berth).")
    var workerPythonpath: String?

    @Option(name: .long, help: "Worker processes, each running init() once.")
    var workers: Int = 1

    @Option(name: .long, help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on; 0 lets the OS pick (the chosen one is printed).")
    var port: Int = 0

    @Option(
        name: .long,
        help: "Listen on this Unix domain socket (made 0600) instead of --host/--port; prints 'Listening on unix:PATH'."
    )
    var unixSocket: String?

    @Option(name: .long, help: "Requests in flight before new ones get 429 (maxConcurrentRequestsPerContainer).")
    var maxConcurrent: Int = 1

    @Option(name: .long, help: "Milliseconds run() may take before the request gets 504 (scoringTimeoutMs).")
    var scoringTimeoutMs: Int = 60000

    @Option(name: .long, help: "The largest request body in MB (1,000,000 bytes); larger ones get 413.")
    var maxBodyMb: Int = 128

    @Option(name: .long, help: "The service name shown as the swagger title.")
    var serviceName: String?

    @Option(
        name: .long,
        help:
            "Memory limit of the replica and its workers in MB (memoryInGB), enforced with a cgroup where the machine allows."
    )
    var memoryLimitMb: Int?

    @Option(
        name: .long,
        help:
            "CPU limit of the replica and its workers in cores (cpuLimit), enforced with a cgroup CFS quota where the machine allows."
    )
    var cpuLimit: Double?

    @Option(
        name: .long,
        help:
            "Exit with an error once a worker failed this many times in a row, instead of restarting it (Kubernetes Pods set it, so the kubelet sees a crash loop)."
    )
    var exitAfterWorkerFailures: Int?

    @Flag(name: .long, help: "Shut down when the process that started this replica exits (the local backend sets it).")
    var exitWithParent = false

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers (\(workers)) must be at least 1.") }
        guard maxConcurrent >= 1 else {
            throw ValidationError("--max-concurrent (\(maxConcurrent)) must be at least 1.")
        }
        guard scoringTimeoutMs >= 1 else {
            throw ValidationError("--scoring-timeout-ms (\(scoringTimeoutMs)) must be at least 1.")
        }
        if let exitAfterWorkerFailures, exitAfterWorkerFailures < 1 {
            throw ValidationError("--exit-after-worker-failures (\(exitAfterWorkerFailures)) must be at least 1.")
        }
        if let memoryLimitMb, memoryLimitMb < 16 {
            throw ValidationError("--memory-limit-mb (\(memoryLimitMb)) must be at least 16.")
        }
        if let cpuLimit, CPUQuota(cores: cpuLimit) == nil {
            throw ValidationError("--cpu-limit (\(cpuLimit)) must be a number of cores greater than zero.")
        }
        guard maxBodyMb >= 1 else { throw ValidationError("--max-body-mb (\(maxBodyMb)) must be at least 1.") }
        guard (0...65535).contains(port) else { throw ValidationError("--port (\(port)) must be 0–65535.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is not one of trace, debug, info, notice, warning, error.")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StderrLogHandler(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "berth.replica")
        // Before any worker starts, so every worker inherits the cgroups.
        let limits = ReplicaLimits(
            memoryBytes: memoryLimitMb.map { Int64($0) * 1024 * 1024 }, cpu: cpuLimit.flatMap { CPUQuota(cores: $0) })
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
        let host = self.host
        var configuration = ReplicaHost.Configuration(
            entryScript: entryScript, sourceDirectory: sourceDir, modelDirectory: modelDir, python: python,
            workerPythonPath: workerPythonpath, workerCount: workers, host: host, port: port,
            maxConcurrentRequests: maxConcurrent, scoringTimeout: .milliseconds(scoringTimeoutMs),
            maxBodyBytes: maxBodyMb * 1_000_000, serviceName: serviceName)
        configuration.exitAfterWorkerFailures = exitAfterWorkerFailures
        configuration.unixSocketPath = unixSocket
        configuration.replicaSecret = ProcessInfo.processInfo.environment[ReplicaAuthentication.environmentVariable]
            .flatMap { $0.isEmpty ? nil : $0 }
        let socket = unixSocket
        let replica = try ReplicaHost(
            configuration: configuration,
            logger: logger,
            onListening: { port in
                // One line on stdout, so whoever started the replica learns where it listens.
                let address = socket.map { "unix:\($0)" } ?? "http://\(host):\(port)"
                FileHandle.standardOutput.write(Data("Listening on \(address)\n".utf8))
            })
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: replica)]
        if exitWithParent {
            services.append(.init(service: ParentWatch(), successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as BerthError where error.code == .internalError && exitAfterWorkerFailures != nil {
            // The last line of the log is the reason: Kubernetes shows it as the termination message.
            FileHandle.standardError.write(Data("\(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
