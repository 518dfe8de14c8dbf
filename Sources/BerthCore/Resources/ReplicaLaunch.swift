/// How a `berth replica` process is started, as one type every side uses: the local backend and
/// the Kubernetes Pod template render its arguments, and the `berth replica` command parses them
/// back into the same value, so the flags are written in one place.
///
/// ```swift
/// var launch = ReplicaLaunch(entryScript: "score.py", sourceDirectory: "/src", modelDirectory: "/models")
/// launch.listener = .unixSocket("/run/berth/r1.sock")
/// process.arguments = launch.arguments  // ["replica", "--entry-script", "score.py", …]
/// ```
///
/// The environment a replica reads (`BERTH_REPLICA_ID`, `BERTH_REPLICA_SECRET`) is not part of it:
/// a process's arguments are visible to every user of the machine.
public struct ReplicaLaunch: Codable, Sendable, Hashable {
    /// Where the replica listens.
    public enum Listener: Codable, Sendable, Hashable {
        /// A TCP address; port 0 lets the OS pick (the replica prints the chosen one).
        case tcp(host: String, port: Int)
        /// A Unix domain socket at this path (made 0600).
        case unixSocket(String)
    }

    /// The values a launch has when nothing says otherwise; the `berth replica` options show them
    /// as their defaults, and the arguments leave out what equals them.
    public enum Defaults {
        /// `--python`.
        public static let python = "python3"
        /// `--workers`.
        public static let workers = 1
        /// `--host`.
        public static let host = "127.0.0.1"
        /// `--port`: the OS picks.
        public static let port = 0
        /// `--max-concurrent` (Azure's `maxConcurrentRequestsPerContainer` default).
        public static let maxConcurrentRequests = 1
        /// `--scoring-timeout-ms` (Azure's `scoringTimeoutMs` default).
        public static let scoringTimeoutMs = 60000
        /// `--max-body-mb`.
        public static let maxBodyMB = 128
        /// `--log-level`.
        public static let logLevel = "info"
    }

    /// The name of the subcommand, the first argument.
    public static let subcommand = "replica"

    /// The entry script, relative to `sourceDirectory` or absolute.
    public var entryScript: String
    /// The working directory of the workers and the first entry of their `sys.path`.
    public var sourceDirectory: String
    /// The model folder, given to the script as `AZUREML_MODEL_DIR`.
    public var modelDirectory: String
    /// The Python that runs the workers (a path or a name in `PATH`).
    public var python: String
    /// The folder holding `berth_worker/`; nil: `$BERTH_PYTHONPATH`, else found beside `berth`.
    public var workerPythonPath: String?
    /// Worker processes, each running `init()` once.
    public var workers: Int
    /// Where the replica listens.
    public var listener: Listener
    /// Requests in flight before new ones get 429 (`maxConcurrentRequestsPerContainer`).
    public var maxConcurrentRequests: Int
    /// Milliseconds `run()` may take before the request gets 504 (`scoringTimeoutMs`).
    public var scoringTimeoutMs: Int
    /// The largest request body in MB (1,000,000 bytes).
    public var maxBodyMB: Int
    /// The service name shown as the swagger title.
    public var serviceName: String?
    /// Memory limit of the replica and its workers in MB, enforced with a cgroup where possible.
    public var memoryLimitMB: Int?
    /// CPU limit of the replica and its workers in cores, enforced with a cgroup where possible.
    public var cpuLimit: Double?
    /// Worker failures in a row after which the replica exits instead of restarting the worker.
    public var exitAfterWorkerFailures: Int?
    /// Whether the replica shuts down when the process that started it exits.
    public var exitWithParent: Bool
    /// Log level: trace, debug, info, notice, warning, error.
    public var logLevel: String

    /// A launch of `entryScript` with every other setting at its default.
    public init(
        entryScript: String, sourceDirectory: String, modelDirectory: String, python: String = Defaults.python,
        workerPythonPath: String? = nil, workers: Int = Defaults.workers,
        listener: Listener = .tcp(host: Defaults.host, port: Defaults.port),
        maxConcurrentRequests: Int = Defaults.maxConcurrentRequests, scoringTimeoutMs: Int = Defaults.scoringTimeoutMs,
        maxBodyMB: Int = Defaults.maxBodyMB, serviceName: String? = nil, memoryLimitMB: Int? = nil,
        cpuLimit: Double? = nil, exitAfterWorkerFailures: Int? = nil, exitWithParent: Bool = false,
        logLevel: String = Defaults.logLevel
    ) {
        self.entryScript = entryScript
        self.sourceDirectory = sourceDirectory
        self.modelDirectory = modelDirectory
        self.python = python
        self.workerPythonPath = workerPythonPath
        self.workers = workers
        self.listener = listener
        self.maxConcurrentRequests = maxConcurrentRequests
        self.scoringTimeoutMs = scoringTimeoutMs
        self.maxBodyMB = maxBodyMB
        self.serviceName = serviceName
        self.memoryLimitMB = memoryLimitMB
        self.cpuLimit = cpuLimit
        self.exitAfterWorkerFailures = exitAfterWorkerFailures
        self.exitWithParent = exitWithParent
        self.logLevel = logLevel
    }

    /// The arguments of `berth` that start this replica, beginning with `replica`: every setting
    /// that is not its default, in a fixed order, so the same launch always renders the same argv
    /// (a Pod template that does not change does not roll its Pods).
    public var arguments: [String] {
        var arguments = [
            Self.subcommand, "--entry-script", entryScript, "--source-dir", sourceDirectory, "--model-dir",
            modelDirectory, "--python", python,
        ]
        if let workerPythonPath { arguments += ["--worker-pythonpath", workerPythonPath] }
        if workers != Defaults.workers { arguments += ["--workers", String(workers)] }
        switch listener {
        case .tcp(let host, let port):
            if host != Defaults.host { arguments += ["--host", host] }
            arguments += ["--port", String(port)]
        case .unixSocket(let path):
            arguments += ["--unix-socket", path]
        }
        arguments += [
            "--max-concurrent", String(maxConcurrentRequests), "--scoring-timeout-ms", String(scoringTimeoutMs),
        ]
        if maxBodyMB != Defaults.maxBodyMB { arguments += ["--max-body-mb", String(maxBodyMB)] }
        if let serviceName { arguments += ["--service-name", serviceName] }
        if exitWithParent { arguments.append("--exit-with-parent") }
        if let memoryLimitMB { arguments += ["--memory-limit-mb", String(memoryLimitMB)] }
        if let cpuLimit { arguments += ["--cpu-limit", String(cpuLimit)] }
        if let exitAfterWorkerFailures {
            arguments += ["--exit-after-worker-failures", String(exitAfterWorkerFailures)]
        }
        if logLevel != Defaults.logLevel { arguments += ["--log-level", logLevel] }
        return arguments
    }
}
