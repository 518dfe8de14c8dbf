import BerthCore
import BerthTracing

extension ReplicaHost {
    /// Everything one replica needs: what to run, how many workers, and its limits.
    ///
    /// `berth replica` builds it from its flags; the control plane can build it in code to run a
    /// replica in-process. Paths may be relative to the current directory.
    public struct Configuration: Sendable {
        /// The entry script (`score.py`), relative to `sourceDirectory` or absolute. Required.
        public var entryScript: String
        /// The source directory: the workers' working directory, first on their `sys.path`. Required.
        public var sourceDirectory: String
        /// The model folder, given to the script as `AZUREML_MODEL_DIR`. Required.
        public var modelDirectory: String
        /// The Python that runs the workers: a path, or a name looked up in `PATH`. Default `python3`.
        public var python: String
        /// The folder holding the `berth_worker` package. Default `nil`: `$BERTH_PYTHONPATH`, else a
        /// `python/` folder found walking up from the `berth` executable's folder.
        public var workerPythonPath: String?
        /// Worker processes, each with its own copy of the script. Default 1.
        public var workerCount: Int
        /// The address to listen on. Default `127.0.0.1`.
        public var host: String
        /// The TCP port; 0 lets the OS pick one. Default 0.
        public var port: Int
        /// A Unix domain socket to listen on instead of `host`/`port` (made 0600), so that only
        /// processes of the same user, the router, can reach the replica. Default nil: TCP.
        public var unixSocketPath: String? = nil
        /// Requests in flight (running or waiting for a worker) before new ones get 429 at once.
        /// Default 1, as Azure's `maxConcurrentRequestsPerContainer`.
        public var maxConcurrentRequests: Int
        /// How long `run()` may take before the request gets 504 and its worker is replaced.
        /// The same bound applies to waiting for a free worker. Default 60 s.
        public var scoringTimeout: Duration
        /// The largest request body accepted; larger ones get 413. Default 128 MiB.
        public var maxBodyBytes: Int
        /// The swagger title (`SERVICE_NAME`). Default `nil`: the worker's default, `ML service`.
        public var serviceName: String?
        /// The swagger version (`SERVICE_VERSION`). Default `nil`: `1.0`.
        public var serviceVersion: String?
        /// The swagger path prefix (`SERVICE_PATH_PREFIX`). Default `nil`: none.
        public var servicePathPrefix: String?
        /// More environment variables for the workers (they also inherit the replica's). Default none.
        public var workerEnvironment: [String: String]
        /// The restart delay after a worker's first failure; it doubles per failure in a row. Default 100 ms.
        public var restartBackoffInitial: Duration
        /// The longest restart delay. Default 30 s.
        public var restartBackoffMaximum: Duration
        /// How long workers may take to exit after their stdin closes at shutdown before SIGKILL. Default 10 s.
        public var workerExitGracePeriod: Duration
        /// When set, the replica exits with an error once a worker failed this many times in a row
        /// (init() raised or the worker exited) instead of restarting it again: in a Kubernetes Pod
        /// the kubelet then restarts the container and reports the crash loop with its exit code,
        /// which is how the control plane learns why the replica never becomes ready. Default nil:
        /// keep restarting (the local backend reads `/ready` instead).
        public var exitAfterWorkerFailures: Int? = nil
        /// When set, every route but `/` and `/ready` answers 401 to a request without this value
        /// in `x-berth-replica-secret` (`ReplicaAuthentication`): a replica in a Kubernetes Pod
        /// is reachable from the whole cluster, and only the router knows the secret. The kubelet's
        /// probes (`/`, `/ready`) stay open. `berth replica` reads it from `BERTH_REPLICA_SECRET`.
        /// Default nil: no check (local replicas listen on private Unix sockets).
        public var replicaSecret: String? = nil
        /// When set, the replica writes a request telemetry line per scoring request
        /// (`RequestTelemetryRecorder` says why here) into the context's folder. `berth replica`
        /// reads it from `BERTH_REQUEST_TELEMETRY`. Default nil: nothing recorded, nothing paid.
        public var requestTelemetry: RequestTelemetryContext? = nil
        /// Where a replica without a telemetry folder (in a Kubernetes Pod) sends its request
        /// telemetry. `berth replica` reads it from `BERTH_CONTROL_PLANE_URL` and
        /// `BERTH_ARTIFACT_TOKEN` (`ControlPlaneUpload`). Default nil.
        public var controlPlaneUpload: ControlPlaneUpload? = nil
        /// In a Kubernetes Pod that collects model data, the folder `ModelDataCollector` writes
        /// into, whose rows the replica sends to the control plane (`ModelDataShipper`) through
        /// `controlPlaneUpload`. `berth replica` reads it from `BERTH_MODEL_DATA_DIR` when
        /// `AML_MODEL_DC_STORAGE_ENABLED` is `true` and the upload settings are there. Default nil.
        public var modelDataFolder: String? = nil
        /// This replica's id in telemetry lines and segment names. `berth replica` reads it from
        /// `BERTH_REPLICA_ID`. Default `replica`.
        public var replicaID: String = "replica"
        /// The tracer of the scoring spans (request, queue wait, worker round trip, `run()`), which
        /// continue the router's `traceparent`; nil: no spans and no tracing work per request.
        /// `berth replica` makes one when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Default nil.
        public var tracer: BerthTracer? = nil

        /// Creates a configuration; every field but the three paths has a default.
        public init(
            entryScript: String,
            sourceDirectory: String,
            modelDirectory: String,
            python: String = "python3",
            workerPythonPath: String? = nil,
            workerCount: Int = 1,
            host: String = "127.0.0.1",
            port: Int = 0,
            maxConcurrentRequests: Int = 1,
            scoringTimeout: Duration = .seconds(60),
            maxBodyBytes: Int = 128 * 1024 * 1024,
            serviceName: String? = nil,
            serviceVersion: String? = nil,
            servicePathPrefix: String? = nil,
            workerEnvironment: [String: String] = [:],
            restartBackoffInitial: Duration = .milliseconds(100),
            restartBackoffMaximum: Duration = .seconds(30),
            workerExitGracePeriod: Duration = .seconds(10)
        ) {
            self.entryScript = entryScript
            self.sourceDirectory = sourceDirectory
            self.modelDirectory = modelDirectory
            self.python = python
            self.workerPythonPath = workerPythonPath
            self.workerCount = workerCount
            self.host = host
            self.port = port
            self.maxConcurrentRequests = maxConcurrentRequests
            self.scoringTimeout = scoringTimeout
            self.maxBodyBytes = maxBodyBytes
            self.serviceName = serviceName
            self.serviceVersion = serviceVersion
            self.servicePathPrefix = servicePathPrefix
            self.workerEnvironment = workerEnvironment
            self.restartBackoffInitial = restartBackoffInitial
            self.restartBackoffMaximum = restartBackoffMaximum
            self.workerExitGracePeriod = workerExitGracePeriod
        }
    }
}
