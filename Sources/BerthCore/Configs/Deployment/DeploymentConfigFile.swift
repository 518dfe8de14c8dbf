/// A `deploymentconfig.json` exactly as the user wrote it: every field optional, no defaults
/// applied, so Berth can tell "not given" from "given as the default" (Azure's rules depend on that,
/// e.g. `numReplicas` turns autoscaling off only when `autoScaler.autoscaleEnabled` is absent), and
/// so a partial file can update a live service (`DeploymentConfig.applying(_:)`).
///
/// Field names are Azure's (compat.md §1.2). `resolved()` applies Azure's defaults.
public struct DeploymentConfigFile: Sendable, Codable, Hashable {
    /// `aks` or `aksendpoint`; required in a file, optional in an update.
    public var computeType: ComputeType?
    /// CPU and memory requests and limits per replica.
    public var containerResourceRequirements: ContainerResourceRequirements?
    /// GPUs per replica; Azure reads it only from the top level, not from `containerResourceRequirements`.
    public var gpuCores: Int?
    /// Autoscaling settings.
    public var autoScaler: AutoScaler?
    /// A fixed replica count; setting it turns autoscaling off unless `autoScaler.autoscaleEnabled` says otherwise.
    public var numReplicas: Int?
    /// Key authentication.
    public var authEnabled: Bool?
    /// Token (JWT) authentication; `aadAuthEnabled` in Azure's REST payloads.
    public var tokenAuthEnabled: Bool?
    /// How long a scoring call may take, in milliseconds.
    public var scoringTimeoutMs: Int?
    /// Requests one replica serves at once.
    public var maxConcurrentRequestsPerContainer: Int?
    /// How long a request may wait for a free replica, in milliseconds, before a 503.
    public var maxQueueWaitMs: Int?
    /// The replica's liveness probe.
    public var livenessProbeRequirements: LivenessProbeRequirements?
    /// The Kubernetes namespace replicas run in.
    public var namespace: String?
    /// Application Insights telemetry (accepted; Berth logs instead).
    public var appInsightsEnabled: Bool?
    /// Model data collection.
    public var dataCollection: DataCollection?
    /// Service keys chosen by the user instead of generated ones. Kept out of `DeploymentConfig` so
    /// that resolved configs, which the API returns, never carry secrets.
    public var keys: Keys?
    /// The compute target to deploy to (Azure's `computeName`).
    public var computeTargetName: String?
    /// `aksendpoint` only: the version's name (defaults to the endpoint's name).
    public var versionName: String?
    /// `aksendpoint` only: the share of the endpoint's traffic for this version, 0–100.
    public var trafficPercentile: Double?
    /// `aksendpoint` only: make this version the one that gets unassigned traffic.
    public var isDefault: Bool?
    /// `aksendpoint` only: `true` makes this the control version, `false` a treatment version.
    public var isControlVersionType: Bool?
    /// The service's tags (Azure's `kvTags`), used when no `--tag` flag is given. Azure's CLI takes
    /// them only as flags; Berth also reads them here so one file can describe a whole service.
    public var tags: [String: String]?
    /// The service's properties, used when no `--property` flag is given.
    public var properties: [String: String]?
    /// The service's description, used when no `--description` flag is given.
    public var description: String?

    public init(
        computeType: ComputeType? = nil,
        containerResourceRequirements: ContainerResourceRequirements? = nil,
        gpuCores: Int? = nil,
        autoScaler: AutoScaler? = nil,
        numReplicas: Int? = nil,
        authEnabled: Bool? = nil,
        tokenAuthEnabled: Bool? = nil,
        scoringTimeoutMs: Int? = nil,
        maxConcurrentRequestsPerContainer: Int? = nil,
        maxQueueWaitMs: Int? = nil,
        livenessProbeRequirements: LivenessProbeRequirements? = nil,
        namespace: String? = nil,
        appInsightsEnabled: Bool? = nil,
        dataCollection: DataCollection? = nil,
        keys: Keys? = nil,
        computeTargetName: String? = nil,
        versionName: String? = nil,
        trafficPercentile: Double? = nil,
        isDefault: Bool? = nil,
        isControlVersionType: Bool? = nil,
        tags: [String: String]? = nil,
        properties: [String: String]? = nil,
        description: String? = nil
    ) {
        self.computeType = computeType
        self.containerResourceRequirements = containerResourceRequirements
        self.gpuCores = gpuCores
        self.autoScaler = autoScaler
        self.numReplicas = numReplicas
        self.authEnabled = authEnabled
        self.tokenAuthEnabled = tokenAuthEnabled
        self.scoringTimeoutMs = scoringTimeoutMs
        self.maxConcurrentRequestsPerContainer = maxConcurrentRequestsPerContainer
        self.maxQueueWaitMs = maxQueueWaitMs
        self.livenessProbeRequirements = livenessProbeRequirements
        self.namespace = namespace
        self.appInsightsEnabled = appInsightsEnabled
        self.dataCollection = dataCollection
        self.keys = keys
        self.computeTargetName = computeTargetName
        self.versionName = versionName
        self.trafficPercentile = trafficPercentile
        self.isDefault = isDefault
        self.isControlVersionType = isControlVersionType
        self.tags = tags
        self.properties = properties
        self.description = description
    }
}
