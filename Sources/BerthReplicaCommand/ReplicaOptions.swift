import ArgumentParser
import BerthCore
import Logging

/// The options of `berth replica`: a `ReplicaLaunch` as command-line flags. The local backend and
/// the Kubernetes Pod template render a launch's `arguments`; this parses them back into the same
/// value (`launch`), so a flag renamed on one side fails the round-trip tests instead of a replica.
///
/// ```swift
/// struct ReplicaCommand: AsyncParsableCommand {
///     @OptionGroup var options: ReplicaOptions
///     func run() async throws { let launch = options.launch; … }
/// }
/// ```
package struct ReplicaOptions: ParsableArguments {
    package init() {}

    @Option(name: .long, help: "The entry script, relative to --source-dir or absolute.")
    var entryScript: String

    @Option(name: .long, help: "The source directory (working directory and first on sys.path).")
    var sourceDir: String

    @Option(name: .long, help: "The model folder, given to the script as AZUREML_MODEL_DIR.")
    var modelDir: String

    @Option(name: .long, help: "The Python that runs the workers (a path or a name in PATH).")
    var python: String = ReplicaLaunch.Defaults.python

    @Option(
        name: .long, help: "The folder holding berth_worker/ (default: $BERTH_PYTHONPATH, else found beside berth).")
    var workerPythonpath: String?

    @Option(name: .long, help: "Worker processes, each running init() once.")
    var workers: Int = ReplicaLaunch.Defaults.workers

    @Option(name: .long, help: "Address to listen on.")
    var host: String = ReplicaLaunch.Defaults.host

    @Option(name: .long, help: "Port to listen on; 0 lets the OS pick (the chosen one is printed).")
    var port: Int = ReplicaLaunch.Defaults.port

    @Option(
        name: .long,
        help: "Listen on this Unix domain socket (made 0600) instead of --host/--port; prints 'Listening on unix:PATH'."
    )
    var unixSocket: String?

    @Option(name: .long, help: "Requests in flight before new ones get 429 (maxConcurrentRequestsPerContainer).")
    var maxConcurrent: Int = ReplicaLaunch.Defaults.maxConcurrentRequests

    @Option(name: .long, help: "Milliseconds run() may take before the request gets 504 (scoringTimeoutMs).")
    var scoringTimeoutMs: Int = ReplicaLaunch.Defaults.scoringTimeoutMs

    @Option(name: .long, help: "The largest request body in MB (1,000,000 bytes); larger ones get 413.")
    var maxBodyMb: Int = ReplicaLaunch.Defaults.maxBodyMB

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
    var logLevel: String = ReplicaLaunch.Defaults.logLevel

    package func validate() throws {
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

    /// The launch these options describe: `--unix-socket`, when given, wins over `--host`/`--port`.
    package var launch: ReplicaLaunch {
        ReplicaLaunch(
            entryScript: entryScript, sourceDirectory: sourceDir, modelDirectory: modelDir, python: python,
            workerPythonPath: workerPythonpath, workers: workers,
            listener: unixSocket.map(ReplicaLaunch.Listener.unixSocket) ?? .tcp(host: host, port: port),
            maxConcurrentRequests: maxConcurrent, scoringTimeoutMs: scoringTimeoutMs, maxBodyMB: maxBodyMb,
            serviceName: serviceName, memoryLimitMB: memoryLimitMb, cpuLimit: cpuLimit,
            exitAfterWorkerFailures: exitAfterWorkerFailures, exitWithParent: exitWithParent, logLevel: logLevel)
    }
}
