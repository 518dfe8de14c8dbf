/// The body of `POST /api/v1/endpoints/<name>/versions` (and, inside `CreateEndpointRequest`, of
/// the first version): a deployment like `DeployRequest`'s plus the version's traffic and roles.
/// Flags left nil fall back to the deployment config's `versionName`, `trafficPercentile`,
/// `isDefault` and `isControlVersionType`.
public struct EndpointVersionRequest: Codable, Sendable, Hashable {
    /// `--version-name`; nil takes the config's `versionName`, else the endpoint's name (Azure).
    public var versionName: String?
    /// `name:version` ids.
    public var models: [String]
    /// The text of `inferenceconfig.json`.
    public var inferenceConfig: String
    /// The text of `deploymentconfig.json`; nil means every default.
    public var deploymentConfig: String?
    /// The folder `sourceDirectory` and `entryScript` are relative to.
    public var baseDirectory: String
    public var trafficPercentile: Double?
    public var isDefault: Bool?
    public var isControlVersionType: Bool?
    /// The version's description (`-d`); nil: the deployment config's `description`.
    public var description: String? = nil
    /// The version's tags (`--tag k=v`); nil: the deployment config's `tags`.
    public var kvTags: [String: String]? = nil
    /// The version's properties (`--property k=v`); nil: the deployment config's `properties`.
    public var properties: [String: String]? = nil

    public init(
        versionName: String?, models: [String], inferenceConfig: String, deploymentConfig: String?,
        baseDirectory: String, trafficPercentile: Double? = nil, isDefault: Bool? = nil,
        isControlVersionType: Bool? = nil
    ) {
        self.versionName = versionName
        self.models = models
        self.inferenceConfig = inferenceConfig
        self.deploymentConfig = deploymentConfig
        self.baseDirectory = baseDirectory
        self.trafficPercentile = trafficPercentile
        self.isDefault = isDefault
        self.isControlVersionType = isControlVersionType
    }
}

/// The body of `POST /api/v1/endpoints`: the endpoint and its first version. Endpoint auth comes
/// from the first version's deployment config (`authEnabled`, `tokenAuthEnabled`), as Azure reads
/// it from the AKSENDPOINT config.
public struct CreateEndpointRequest: Codable, Sendable, Hashable {
    public var name: String
    public var computeName: String
    public var description: String?
    public var version: EndpointVersionRequest

    public init(name: String, computeName: String, description: String? = nil, version: EndpointVersionRequest) {
        self.name = name
        self.computeName = computeName
        self.description = description
        self.version = version
    }
}

/// The body of `PATCH /api/v1/endpoints/<name>/versions/<version>`: traffic and roles, applied to
/// the router's split at once, and the version's description, tags and properties (no replica
/// restarts either way).
public struct EndpointVersionUpdate: Codable, Sendable, Hashable {
    public var trafficPercentile: Double?
    public var isDefault: Bool?
    public var isControlVersionType: Bool?
    /// A new description (`-d`).
    public var description: String? = nil
    /// Tags to add or change (`--add-tag k=v`), then tags to remove (`--remove-tag k`).
    public var addTags: [String: String]? = nil
    public var removeTags: [String]? = nil
    /// Properties to add or change (`--add-property k=v`); none is ever removed, as in Azure.
    public var addProperties: [String: String]? = nil

    public init(trafficPercentile: Double? = nil, isDefault: Bool? = nil, isControlVersionType: Bool? = nil) {
        self.trafficPercentile = trafficPercentile
        self.isDefault = isDefault
        self.isControlVersionType = isControlVersionType
    }

    /// Whether it changes traffic or roles (the rollout rules apply), not only the metadata.
    public var changesTraffic: Bool { trafficPercentile != nil || isDefault != nil || isControlVersionType != nil }

    /// Whether it changes the description, tags or properties.
    public var changesMetadata: Bool {
        description != nil || addTags != nil || removeTags != nil || addProperties != nil
    }
}

/// The body of `PATCH /api/v1/endpoints/<name>`: endpoint-level fields only, as Azure's
/// `AksEndpoint.update()` (auth and description; versions change through `/versions/<v>`).
public struct EndpointUpdate: Codable, Sendable, Hashable {
    public var authEnabled: Bool?
    public var tokenAuthEnabled: Bool?
    public var description: String?

    public init(authEnabled: Bool? = nil, tokenAuthEnabled: Bool? = nil, description: String? = nil) {
        self.authEnabled = authEnabled
        self.tokenAuthEnabled = tokenAuthEnabled
        self.description = description
    }
}
