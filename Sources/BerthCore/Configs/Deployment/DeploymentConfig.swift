/// A deployment config with Azure's defaults applied: what Berth stores for a service or endpoint
/// version and returns from its API. It encodes with Azure's REST payload names and always-complete
/// nested objects (compat.md §6.1), so Azure-shaped clients read it without a mapping.
///
/// Every default lives here, on its field: `DeploymentConfig(computeType:)` is the all-defaults
/// config, and `DeploymentConfigFile.resolved()` lays a file over it.
public struct DeploymentConfig: Sendable, Hashable {
    /// `AKS` or `AKSENDPOINT`.
    public var computeType: ComputeType
    /// CPU, memory and GPU per replica.
    public var containerResourceRequirements = ContainerResourceRequirements()
    /// Replica autoscaling.
    public var autoScaler = AutoScaler()
    /// The fixed replica count when autoscaling is off; `nil` while autoscaling is on. No default:
    /// a file that turns autoscaling off must set it.
    public var numReplicas: Int?
    /// Key authentication. Default `true`, except when the file turns token auth on and does not
    /// mention key auth (the two cannot both be on).
    public var authEnabled = true
    /// Token (JWT) authentication, the file's `tokenAuthEnabled`. Default `false`.
    public var aadAuthEnabled = false
    /// Milliseconds a scoring call may take before the router answers 504. Default 60000.
    public var scoringTimeoutMs = 60_000
    /// Requests one replica serves at once. Default 1.
    public var maxConcurrentRequestsPerContainer = 1
    /// Milliseconds a request may wait for a free replica before the router answers 503. Default 500.
    public var maxQueueWaitMs = 500
    /// The replica's liveness probe.
    public var livenessProbeRequirements = LivenessProbeRequirements()
    /// Kubernetes namespace for the replicas; `nil` uses the compute target's default.
    public var namespace: String?
    /// Application Insights telemetry. Default `false`.
    public var appInsightsEnabled = false
    /// Model data collection. Default off.
    public var dataCollection = DataCollection()
    /// The compute target (Azure's `computeName`); `nil` uses the one chosen on the command line or
    /// the workspace default.
    public var computeTargetName: String?
    /// `AKSENDPOINT` only: the version's name; `nil` means the endpoint's name.
    public var versionName: String?
    /// `AKSENDPOINT` only: the version's share of traffic, 0–100; `nil` leaves the split to the endpoint.
    public var trafficPercentile: Double?
    /// `AKSENDPOINT` only: whether this version gets the unassigned traffic; `nil` leaves it to the
    /// endpoint (its first version is the default).
    public var isDefault: Bool?
    /// `AKSENDPOINT` only: `Control` or `Treatment`; `nil` when the file did not say.
    public var versionType: VersionType?

    /// The all-defaults config for `computeType`.
    public init(computeType: ComputeType = .aks) {
        self.computeType = computeType
    }

    /// Replica resources. Azure's payload object `containerResourceRequirements`.
    public struct ContainerResourceRequirements: Sendable, Hashable {
        /// CPU cores requested per replica. Default 0.1.
        public var cpu = 0.1
        /// CPU cores a replica may use at most; `nil` means no limit (Azure's default).
        public var cpuLimit: Double?
        /// Memory requested per replica, in GB. Default 0.5.
        public var memoryInGB = 0.5
        /// Memory a replica may use at most, in GB; `nil` means no limit.
        public var memoryInGBLimit: Double?
        /// GPUs per replica, from the file's top-level `gpuCores`. Default 0.
        public var gpu = 0

        public init() {}
    }

    /// Autoscaling. Azure's payload object `autoScaler`.
    public struct AutoScaler: Sendable, Hashable {
        /// Whether the autoscaler sets the replica count. Default `true`, except when the file sets
        /// `numReplicas` without mentioning `autoscaleEnabled`.
        public var autoscaleEnabled = true
        /// Fewest replicas. Default 1.
        public var minReplicas = 1
        /// Most replicas. Default 10.
        public var maxReplicas = 10
        /// Seconds between autoscaling decisions. Default 1.
        public var refreshPeriodInSeconds = 1
        /// Target utilization in percent (in-flight requests / capacity). Default 70.
        public var targetUtilization = 70

        public init() {}
    }

    /// The replica's liveness probe. Azure's payload object `livenessProbeRequirements`.
    public struct LivenessProbeRequirements: Sendable, Hashable {
        /// Seconds between probes. Default 10.
        public var periodSeconds = 10
        /// Seconds after start before the first probe (model loading takes time). Default 310.
        public var initialDelaySeconds = 310
        /// Seconds a probe may take. Default 2 (Azure's docs).
        public var timeoutSeconds = 2
        /// Failed probes in a row before the replica is restarted. Default 3.
        public var failureThreshold = 3
        /// Passed probes in a row before a failed replica counts as live again. Default 1.
        public var successThreshold = 1

        public init() {}
    }

    /// Model data collection. Azure's payload object `dataCollection`.
    public struct DataCollection: Sendable, Hashable {
        /// Whether inputs and predictions are stored. Default `false`.
        public var storageEnabled = false
        /// Whether they are sent to an event hub. Default `false`.
        public var eventHubEnabled = false

        public init() {}
    }

    /// An endpoint version's role in a controlled rollout; at most one version is `Control`.
    public enum VersionType: String, Sendable, Codable, Hashable {
        case control = "Control"
        case treatment = "Treatment"
    }
}
