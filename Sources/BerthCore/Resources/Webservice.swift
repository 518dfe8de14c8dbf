import Foundation

/// A deployed service: models + inference config + deployment config on one compute target,
/// with a scoring URI. Named `Webservice` after Azure's `AksWebservice`, whose payload names its
/// JSON keeps (`scoringUri`, `swaggerUri`, `state`, `error`, `computeType`, …) so Azure-shaped
/// clients read it without a mapping.
public struct Webservice: Codable, Sendable, Hashable {
    public var name: String
    public var computeName: String
    /// `Local` or `Kubernetes`, after the compute target.
    public var computeType: String
    /// The models, as `name:version`, in the order given at deploy.
    public var models: [String]
    /// The inference config as validated at deploy, with `sourceDirectory` made absolute.
    public var inferenceConfig: InferenceConfig
    /// The deployment config with every default applied.
    public var deploymentConfig: DeploymentConfig
    public var state: WebserviceState
    /// Why the service is not Healthy; nil when it is.
    public var error: ErrorDetail?
    /// The replicas the backend keeps running (numReplicas, or the autoscaler's current choice).
    public var desiredReplicas: Int
    /// Replicas that answer `/ready`, as last observed.
    public var readyReplicas: Int
    /// Identifies what replicas run (code, models, environment, settings); a new deploy or update
    /// makes a new one and the backend replaces replicas of older ones.
    public var revision: String?
    /// Digest of the source snapshot replicas run from.
    public var sourceDigest: String?
    /// Hash of the Python environment replicas run in.
    public var environmentHash: String?
    /// The Python executable of that environment.
    public var pythonPath: String?
    public var scoringUri: String?
    public var swaggerUri: String?
    public var createdTime: Date
    public var updatedTime: Date
    /// Azure's `description`, `kvTags` and `properties` of a service (`Webservice.update(tags:…)`).
    public var description: String?
    public var kvTags: [String: String]?
    public var properties: [String: String]?
    /// The autoscaler's view (rules, utilization, last events); filled in by `GET` answers only,
    /// never stored.
    public var autoscaler: AutoscalerStatus?
    /// Increases with every change of the spec (what was asked for: models, configs, revision,
    /// replica count, deletion): a writer that read generation N changes the spec only if it is
    /// still N, so no change is lost to a write based on an older read.
    public var generation: Int = 1
    /// The spec generation the status describes (`WebserviceStatus.observedGeneration`).
    public var observedGeneration: Int = 0
    /// Asked to be deleted: the state is Deleting whatever runs.
    public var deleting: Bool = false

    public init(
        name: String, computeName: String, computeType: String, models: [String], inferenceConfig: InferenceConfig,
        deploymentConfig: DeploymentConfig, state: WebserviceState = .transitioning, error: ErrorDetail? = nil,
        desiredReplicas: Int, readyReplicas: Int = 0, createdTime: Date = Date()
    ) {
        self.name = name
        self.computeName = computeName
        self.computeType = computeType
        self.models = models
        self.inferenceConfig = inferenceConfig
        self.deploymentConfig = deploymentConfig
        self.state = state
        self.error = error
        self.desiredReplicas = desiredReplicas
        self.readyReplicas = readyReplicas
        self.createdTime = createdTime
        self.updatedTime = createdTime
    }

    private enum CodingKeys: String, CodingKey {
        case name, computeName, computeType, models, inferenceConfig, deploymentConfig, state, error
        case desiredReplicas, readyReplicas, revision, sourceDigest, environmentHash, pythonPath
        case scoringUri, swaggerUri, createdTime, updatedTime, description, kvTags, properties, autoscaler
        case generation, observedGeneration, deleting
    }

    /// Decodes a service, including one stored before it had a generation (it reads as generation 1).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        computeName = try c.decode(String.self, forKey: .computeName)
        computeType = try c.decode(String.self, forKey: .computeType)
        models = try c.decode([String].self, forKey: .models)
        inferenceConfig = try c.decode(InferenceConfig.self, forKey: .inferenceConfig)
        deploymentConfig = try c.decode(DeploymentConfig.self, forKey: .deploymentConfig)
        state = try c.decode(WebserviceState.self, forKey: .state)
        error = try c.decodeIfPresent(ErrorDetail.self, forKey: .error)
        desiredReplicas = try c.decode(Int.self, forKey: .desiredReplicas)
        readyReplicas = try c.decode(Int.self, forKey: .readyReplicas)
        revision = try c.decodeIfPresent(String.self, forKey: .revision)
        sourceDigest = try c.decodeIfPresent(String.self, forKey: .sourceDigest)
        environmentHash = try c.decodeIfPresent(String.self, forKey: .environmentHash)
        pythonPath = try c.decodeIfPresent(String.self, forKey: .pythonPath)
        scoringUri = try c.decodeIfPresent(String.self, forKey: .scoringUri)
        swaggerUri = try c.decodeIfPresent(String.self, forKey: .swaggerUri)
        createdTime = try c.decode(Date.self, forKey: .createdTime)
        updatedTime = try c.decode(Date.self, forKey: .updatedTime)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        kvTags = try c.decodeIfPresent([String: String].self, forKey: .kvTags)
        properties = try c.decodeIfPresent([String: String].self, forKey: .properties)
        autoscaler = try c.decodeIfPresent(AutoscalerStatus.self, forKey: .autoscaler)
        generation = try c.decodeIfPresent(Int.self, forKey: .generation) ?? 1
        observedGeneration = try c.decodeIfPresent(Int.self, forKey: .observedGeneration) ?? 0
        deleting = try c.decodeIfPresent(Bool.self, forKey: .deleting) ?? (state == .deleting)
    }

    /// Replicas a fresh deployment starts with: `numReplicas`, else the autoscaler's minimum.
    public static func initialReplicas(for config: DeploymentConfig) -> Int {
        config.numReplicas ?? max(1, config.autoScaler.minReplicas)
    }
}

/// A service's state, with Azure's names.
public enum WebserviceState: String, Codable, Sendable, Hashable {
    case transitioning = "Transitioning"
    case healthy = "Healthy"
    case unhealthy = "Unhealthy"
    case failed = "Failed"
    case unschedulable = "Unschedulable"
    case deleting = "Deleting"
}

/// The body of `POST /api/v1/services`: what `berth model deploy` sends.
///
/// The configs travel as the JSON text of the user's files, so the server's validation names
/// the file and field exactly as it would for the file on disk.
public struct DeployRequest: Codable, Sendable, Hashable {
    public var name: String
    /// The compute target (`--ct`); empty means the deployment config's `computeTargetName`.
    public var computeName: String
    /// `name:version` ids; 1 to 1000 of them.
    public var models: [String]
    /// The text of `inferenceconfig.json`.
    public var inferenceConfig: String
    /// The text of `deploymentconfig.json`; nil means every default.
    public var deploymentConfig: String?
    /// The folder `sourceDirectory` and `entryScript` are relative to (the inference config's folder).
    public var baseDirectory: String
    /// Replace a service of the same name.
    public var overwrite: Bool
    /// The service's description, tags and properties (Azure's `description`, `kvTags`, `properties`).
    public var description: String?
    public var kvTags: [String: String]?
    public var properties: [String: String]?

    public init(
        name: String, computeName: String, models: [String], inferenceConfig: String, deploymentConfig: String?,
        baseDirectory: String, overwrite: Bool = false
    ) {
        self.name = name
        self.computeName = computeName
        self.models = models
        self.inferenceConfig = inferenceConfig
        self.deploymentConfig = deploymentConfig
        self.baseDirectory = baseDirectory
        self.overwrite = overwrite
    }
}

extension DeployRequest {
    /// Decodes with `overwrite` optional (absent: false), as `openapi/berth.json` documents it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        computeName = try container.decode(String.self, forKey: .computeName)
        models = try container.decode([String].self, forKey: .models)
        inferenceConfig = try container.decode(String.self, forKey: .inferenceConfig)
        deploymentConfig = try container.decodeIfPresent(String.self, forKey: .deploymentConfig)
        baseDirectory = try container.decode(String.self, forKey: .baseDirectory)
        overwrite = try container.decodeIfPresent(Bool.self, forKey: .overwrite) ?? false
        description = try container.decodeIfPresent(String.self, forKey: .description)
        kvTags = try container.decodeIfPresent([String: String].self, forKey: .kvTags)
        properties = try container.decodeIfPresent([String: String].self, forKey: .properties)
    }
}

/// A service's two keys (`get-keys`); either authenticates.
public struct ServiceKeys: Codable, Sendable, Hashable {
    public var primaryKey: String
    public var secondaryKey: String

    public init(primaryKey: String, secondaryKey: String) {
        self.primaryKey = primaryKey
        self.secondaryKey = secondaryKey
    }
}

/// The body of `POST /api/v1/services/<name>/regenerateKeys`, as Azure's `regen_key`.
public struct RegenerateKeyRequest: Codable, Sendable, Hashable {
    /// `Primary` or `Secondary`.
    public var keyType: String
    /// A value to set instead of a random one.
    public var keyValue: String?

    public init(keyType: String, keyValue: String? = nil) {
        self.keyType = keyType
        self.keyValue = keyValue
    }
}

/// The body of `PATCH /api/v1/services/<name>`: what `berth service update` sends, as Azure's
/// `Webservice.update()` takes it. Every field is optional; what is given replaces the current value.
///
/// A change of models, inference config (entry script, sources, environment) or of what a replica
/// is started with (resources, `maxConcurrentRequestsPerContainer`, a longer `scoringTimeoutMs`)
/// rolls the replicas: new ones must be ready before old ones stop. Anything else (auth,
/// `maxQueueWaitMs`, autoscale bounds, the replica count) applies without restarting replicas.
public struct UpdateServiceRequest: Codable, Sendable, Hashable {
    /// `name:version` ids replacing the service's models.
    public var models: [String]?
    /// The text of a new `inferenceconfig.json`.
    public var inferenceConfig: String?
    /// The folder the inference config's paths are relative to; required with `inferenceConfig`.
    public var baseDirectory: String?
    /// A partial `deploymentconfig.json`: the fields it sets replace the current ones.
    public var deploymentConfig: String?
    /// Replace the description, tags or properties (each when given).
    public var description: String?
    public var kvTags: [String: String]?
    public var properties: [String: String]?

    public init(
        models: [String]? = nil, inferenceConfig: String? = nil, baseDirectory: String? = nil,
        deploymentConfig: String? = nil
    ) {
        self.models = models
        self.inferenceConfig = inferenceConfig
        self.baseDirectory = baseDirectory
        self.deploymentConfig = deploymentConfig
    }
}
