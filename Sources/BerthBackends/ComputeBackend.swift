import BerthCore
import Foundation

/// Runs the replicas of deployments on one kind of cluster: processes on this machine
/// (`LocalBackend`) or Pods on Kubernetes (a later issue).
///
/// The control plane's deploy flow calls `apply` with the whole desired state of one deployment
/// and reads `status` back; the backend does the rest (start, restart, probe, stop) on its own.
public protocol ComputeBackend: Sendable {
    /// Makes the deployment's replicas match `spec`: starts missing ones, stops extra ones, and
    /// replaces all of them when `spec.revision` changed.
    func apply(_ spec: DeploymentSpec) async throws
    /// `apply`, telling the deploy's progress output what the backend decides on the way (which
    /// environment the replicas get, say). Backends that decide nothing worth saying need not
    /// implement it.
    func apply(_ spec: DeploymentSpec, progress: @escaping DeployProgress) async throws
    /// Changes how many replicas of a running deployment run, without replacing the others: the
    /// autoscaler's lever (on Kubernetes, the Deployment's `scale` subresource). Replicas that go
    /// leave the route table first and finish their requests in flight.
    func scale(deploymentNamed name: String, to replicas: Int) async throws
    /// The most replicas of the deployment its cluster can hold now, given everything else on it,
    /// and why; nil when the backend sets no such limit (the autoscaler then scales to the need).
    func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity?
    /// Stops every replica of the deployment and forgets it.
    func remove(deploymentNamed name: String) async
    /// What runs now, or nil for an unknown deployment.
    func status(ofDeployment name: String) async -> DeploymentStatus?
    /// The last `lines` lines of the replicas' logs (one replica's when `replica` is given).
    func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String
    /// Each running replica's `GET /metrics` text (Prometheus format), read now, for the control
    /// plane's one scrape target per cluster; a replica that did not answer has nil. Backends that
    /// cannot reach their replicas' metrics need not implement it (none then).
    func metrics(ofDeployment name: String) async -> [ReplicaMetricsText]
}

/// One replica's `GET /metrics` answer, as `ComputeBackend.metrics(ofDeployment:)` read it.
public struct ReplicaMetricsText: Sendable, Hashable {
    /// The replica's id (`ReplicaStatus.id`).
    public var replica: String
    /// The text, or nil when the replica did not answer 200 in time.
    public var text: String?

    public init(replica: String, text: String?) {
        self.replica = replica
        self.text = text
    }
}

/// The desired state of one deployment, as a backend runs it.
public struct DeploymentSpec: Sendable, Hashable {
    /// The service name.
    public var name: String
    /// The compute target it runs on, and that cluster's declared capacity.
    public var computeName: String
    public var capacity: ClusterCapacity
    /// Replicas to keep running.
    public var replicas: Int
    /// Changes whenever the code, models, environment or settings change: replicas of another
    /// revision are replaced.
    public var revision: String
    /// The entry script, relative to `sourceDirectory`.
    public var entryScript: String
    /// The immutable copy of the sources that replicas run from.
    public var sourceDirectory: URL
    /// `AZUREML_MODEL_DIR`.
    public var modelDirectory: URL
    /// The Python executable of the deployment's environment.
    public var python: String
    /// Requested cores and memory per replica (`containerResourceRequirements`).
    public var cpu: Double
    public var memoryInGB: Double
    /// The memory limit of one replica and its workers (`memoryInGBLimit`, else `memoryInGB`),
    /// enforced by the replica with a cgroup where the machine allows.
    public var memoryLimitInGB: Double?
    /// The most cores one replica may use (`containerResourceRequirements.cpuLimit`), nil for no
    /// limit. Kubernetes enforces it as the container's CPU limit; a local replica with a cgroup CFS
    /// quota where the machine allows, else it says that it cannot (`DeploymentStatus.warnings`).
    public var cpuLimit: Double? = nil
    /// GPUs per replica (the top-level `gpuCores`): `nvidia.com/gpu` on Kubernetes; on a local
    /// cluster, whole GPUs of those it declares (`ClusterCapacity.gpus`), named to the replica in
    /// `CUDA_VISIBLE_DEVICES`.
    public var gpu: Int = 0
    /// The Kubernetes namespace of the workload (the deployment config's `namespace`), nil for the
    /// cluster attachment's; the local backend ignores it.
    public var namespace: String? = nil
    /// `maxConcurrentRequestsPerContainer`.
    public var maxConcurrentRequests: Int
    /// `scoringTimeoutMs`.
    public var scoringTimeoutMs: Int
    /// `livenessProbeRequirements`.
    public var liveness: DeploymentConfig.LivenessProbeRequirements
    /// More environment variables for the replica and its workers.
    public var environment: [String: String]
    /// The deployment's Python environment as a cluster rebuilds it (its hash, pip requirements,
    /// Python version); nil when unknown. The local backend runs `python` instead; Kubernetes runs
    /// the registry's image of this hash, or builds a venv of these requirements in the Pod.
    public var pythonEnvironment: PythonEnvironment? = nil

    public init(
        name: String, computeName: String, capacity: ClusterCapacity, replicas: Int, revision: String,
        entryScript: String, sourceDirectory: URL, modelDirectory: URL, python: String, cpu: Double,
        memoryInGB: Double, maxConcurrentRequests: Int, scoringTimeoutMs: Int,
        liveness: DeploymentConfig.LivenessProbeRequirements, environment: [String: String] = [:]
    ) {
        self.name = name
        self.computeName = computeName
        self.capacity = capacity
        self.replicas = replicas
        self.revision = revision
        self.entryScript = entryScript
        self.sourceDirectory = sourceDirectory
        self.modelDirectory = modelDirectory
        self.python = python
        self.cpu = cpu
        self.memoryInGB = memoryInGB
        self.maxConcurrentRequests = maxConcurrentRequests
        self.scoringTimeoutMs = scoringTimeoutMs
        self.liveness = liveness
        self.environment = environment
    }
}

/// A deployment's Python environment, as a backend that cannot use this machine's venvs (a
/// Kubernetes cluster) rebuilds it.
public struct PythonEnvironment: Sendable, Hashable {
    /// The environment's hash (`EnvironmentSpec.hash`, 64 hex digits): the tag of its image and the
    /// name of its venv in a cache.
    public var hash: String
    /// What `pip install` installs into a venv, in order (the conda list already mapped to pip);
    /// empty when the runtime image's Python serves as it is.
    public var pipRequirements: [String]
    /// The `major.minor` the conda file pins (`python=3.11`), nil when it pins none.
    public var pythonVersion: String?

    public init(hash: String, pipRequirements: [String], pythonVersion: String? = nil) {
        self.hash = hash
        self.pipRequirements = pipRequirements
        self.pythonVersion = pythonVersion
    }
}

/// Where a backend says, while `apply` runs, what it decided that the user should know (e.g. where
/// a Kubernetes Pod's environment comes from): the deploy operation's progress output.
///
/// A parameter, not a task-local value: `TaskLocal.withValue` around `apply` crashed the release
/// build of `berth server` in `swift_task_localValuePush` (Swift 6.3, optimized), on every deploy.
public typealias DeployProgress = @Sendable (String) async -> Void

extension ComputeBackend {
    public func apply(_ spec: DeploymentSpec, progress: @escaping DeployProgress) async throws {
        try await apply(spec)
    }

    public func metrics(ofDeployment name: String) async -> [ReplicaMetricsText] { [] }
}

/// What a backend observes of one deployment.
public struct DeploymentStatus: Sendable, Hashable {
    public var name: String
    public var desiredReplicas: Int
    public var replicas: [ReplicaStatus]
    /// Set when some replicas do not fit the cluster's free capacity: the numbers, for the user.
    public var unschedulable: String?
    /// During a rolling update, the replicas of the revision before, still serving until all of
    /// `replicas` are ready.
    public var previousReplicas: [ReplicaStatus] = []
    /// What replicas of the current revision could not do as the spec asks (a limit no cgroup
    /// enforces on this machine), one sentence each, for the deploy's output.
    public var warnings: [String] = []

    /// Replicas that answer `/ready` (of either revision during a rolling update), for the route table.
    public var readyEndpoints: [ReplicaEndpoint] {
        (replicas + previousReplicas).compactMap { replica in
            guard replica.state == .ready else { return nil }
            if let socketPath = replica.socketPath { return ReplicaEndpoint(id: replica.id, socketPath: socketPath) }
            guard let port = replica.port else { return nil }
            return ReplicaEndpoint(id: replica.id, host: replica.host ?? "127.0.0.1", port: port)
        }
    }

    /// Ready replicas of the current revision.
    public var readyCount: Int { replicas.filter { $0.state == .ready }.count }

    public init(name: String, desiredReplicas: Int, replicas: [ReplicaStatus], unschedulable: String? = nil) {
        self.name = name
        self.desiredReplicas = desiredReplicas
        self.replicas = replicas
        self.unschedulable = unschedulable
    }
}

/// One replica as a backend observes it.
public struct ReplicaStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Hashable, Codable {
        /// Started; `init()` not yet finished everywhere.
        case starting
        /// Answers `/ready` with 200.
        case ready
        /// Was ready, now fails `/ready` (a worker restarting) or the liveness probe.
        case unhealthy
        /// Exited or killed; starts again after a back-off.
        case restarting
    }

    public var id: String
    public var state: State
    public var pid: Int32?
    public var port: Int?
    public var restarts: Int
    /// The last exit or probe failure, or a worker's last error, for `service show`.
    public var lastError: String?
    /// The most failures in a row of one of its workers (init() raising, exits), from `/ready`.
    public var workerFailures: Int
    /// Where it listens when not on this machine's loopback (a Pod's IP); nil means 127.0.0.1.
    public var host: String? = nil
    /// The Unix domain socket it listens on instead of a port (local replicas); nil for TCP.
    public var socketPath: String? = nil

    public init(
        id: String, state: State, pid: Int32?, port: Int?, restarts: Int, lastError: String?, workerFailures: Int = 0
    ) {
        self.id = id
        self.state = state
        self.pid = pid
        self.port = port
        self.restarts = restarts
        self.lastError = lastError
        self.workerFailures = workerFailures
    }
}
