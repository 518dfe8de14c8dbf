/// Azure's REST payload shape (compat.md §1.4, §6.1): `aadAuthEnabled` for token auth, `computeName`
/// for the compute target, `gpu` inside `containerResourceRequirements`, nested objects always
/// complete, and keys that may be `null` (`numReplicas`, `namespace`, `computeName`, the limits)
/// written as `null` rather than left out, because Azure's SDK requires them to be present.
/// Decoding accepts the same shape with missing or `null` fields meaning the default.
extension DeploymentConfig: Codable {
    private enum CodingKeys: String, CodingKey {
        case computeType, containerResourceRequirements, autoScaler, numReplicas, authEnabled, aadAuthEnabled
        case scoringTimeoutMs, maxConcurrentRequestsPerContainer, maxQueueWaitMs, livenessProbeRequirements
        case namespace, appInsightsEnabled, dataCollection, computeName
        case versionName, trafficPercentile, isDefault, type
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(computeType: try container.decodeIfPresent(ComputeType.self, forKey: .computeType) ?? .aks)
        let defaults = self
        containerResourceRequirements =
            try container.decodeIfPresent(ContainerResourceRequirements.self, forKey: .containerResourceRequirements)
            ?? defaults.containerResourceRequirements
        autoScaler = try container.decodeIfPresent(AutoScaler.self, forKey: .autoScaler) ?? defaults.autoScaler
        numReplicas = try container.decodeIfPresent(Int.self, forKey: .numReplicas)
        authEnabled = try container.decodeIfPresent(Bool.self, forKey: .authEnabled) ?? defaults.authEnabled
        aadAuthEnabled = try container.decodeIfPresent(Bool.self, forKey: .aadAuthEnabled) ?? defaults.aadAuthEnabled
        scoringTimeoutMs =
            try container.decodeIfPresent(Int.self, forKey: .scoringTimeoutMs) ?? defaults.scoringTimeoutMs
        maxConcurrentRequestsPerContainer =
            try container.decodeIfPresent(Int.self, forKey: .maxConcurrentRequestsPerContainer)
            ?? defaults.maxConcurrentRequestsPerContainer
        maxQueueWaitMs = try container.decodeIfPresent(Int.self, forKey: .maxQueueWaitMs) ?? defaults.maxQueueWaitMs
        livenessProbeRequirements =
            try container.decodeIfPresent(LivenessProbeRequirements.self, forKey: .livenessProbeRequirements)
            ?? defaults.livenessProbeRequirements
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        appInsightsEnabled =
            try container.decodeIfPresent(Bool.self, forKey: .appInsightsEnabled) ?? defaults.appInsightsEnabled
        dataCollection =
            try container.decodeIfPresent(DataCollection.self, forKey: .dataCollection) ?? defaults.dataCollection
        computeTargetName = try container.decodeIfPresent(String.self, forKey: .computeName)
        versionName = try container.decodeIfPresent(String.self, forKey: .versionName)
        trafficPercentile = try container.decodeIfPresent(Double.self, forKey: .trafficPercentile)
        isDefault = try container.decodeIfPresent(Bool.self, forKey: .isDefault)
        versionType = try container.decodeIfPresent(VersionType.self, forKey: .type)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(computeType, forKey: .computeType)
        try container.encode(containerResourceRequirements, forKey: .containerResourceRequirements)
        try container.encode(autoScaler, forKey: .autoScaler)
        try container.encode(numReplicas, forKey: .numReplicas)
        try container.encode(authEnabled, forKey: .authEnabled)
        try container.encode(aadAuthEnabled, forKey: .aadAuthEnabled)
        try container.encode(scoringTimeoutMs, forKey: .scoringTimeoutMs)
        try container.encode(maxConcurrentRequestsPerContainer, forKey: .maxConcurrentRequestsPerContainer)
        try container.encode(maxQueueWaitMs, forKey: .maxQueueWaitMs)
        try container.encode(livenessProbeRequirements, forKey: .livenessProbeRequirements)
        try container.encode(namespace, forKey: .namespace)
        try container.encode(appInsightsEnabled, forKey: .appInsightsEnabled)
        try container.encode(dataCollection, forKey: .dataCollection)
        try container.encode(computeTargetName, forKey: .computeName)
        try container.encodeIfPresent(versionName, forKey: .versionName)
        try container.encodeIfPresent(trafficPercentile, forKey: .trafficPercentile)
        try container.encodeIfPresent(isDefault, forKey: .isDefault)
        try container.encodeIfPresent(versionType, forKey: .type)
    }
}

extension DeploymentConfig.ContainerResourceRequirements: Codable {
    private enum CodingKeys: String, CodingKey { case cpu, cpuLimit, memoryInGB, memoryInGBLimit, gpu }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        cpu = try container.decodeIfPresent(Double.self, forKey: .cpu) ?? cpu
        cpuLimit = try container.decodeIfPresent(Double.self, forKey: .cpuLimit)
        memoryInGB = try container.decodeIfPresent(Double.self, forKey: .memoryInGB) ?? memoryInGB
        memoryInGBLimit = try container.decodeIfPresent(Double.self, forKey: .memoryInGBLimit)
        gpu = try container.decodeIfPresent(Int.self, forKey: .gpu) ?? gpu
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cpu, forKey: .cpu)
        try container.encode(cpuLimit, forKey: .cpuLimit)
        try container.encode(memoryInGB, forKey: .memoryInGB)
        try container.encode(memoryInGBLimit, forKey: .memoryInGBLimit)
        try container.encode(gpu, forKey: .gpu)
    }
}

extension DeploymentConfig.AutoScaler: Codable {
    private enum CodingKeys: String, CodingKey {
        case autoscaleEnabled, minReplicas, maxReplicas, refreshPeriodInSeconds, targetUtilization
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        autoscaleEnabled = try container.decodeIfPresent(Bool.self, forKey: .autoscaleEnabled) ?? autoscaleEnabled
        minReplicas = try container.decodeIfPresent(Int.self, forKey: .minReplicas) ?? minReplicas
        maxReplicas = try container.decodeIfPresent(Int.self, forKey: .maxReplicas) ?? maxReplicas
        refreshPeriodInSeconds =
            try container.decodeIfPresent(Int.self, forKey: .refreshPeriodInSeconds) ?? refreshPeriodInSeconds
        targetUtilization = try container.decodeIfPresent(Int.self, forKey: .targetUtilization) ?? targetUtilization
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(autoscaleEnabled, forKey: .autoscaleEnabled)
        try container.encode(minReplicas, forKey: .minReplicas)
        try container.encode(maxReplicas, forKey: .maxReplicas)
        try container.encode(refreshPeriodInSeconds, forKey: .refreshPeriodInSeconds)
        try container.encode(targetUtilization, forKey: .targetUtilization)
    }
}

extension DeploymentConfig.LivenessProbeRequirements: Codable {
    private enum CodingKeys: String, CodingKey {
        case periodSeconds, initialDelaySeconds, timeoutSeconds, failureThreshold, successThreshold
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        periodSeconds = try container.decodeIfPresent(Int.self, forKey: .periodSeconds) ?? periodSeconds
        initialDelaySeconds =
            try container.decodeIfPresent(Int.self, forKey: .initialDelaySeconds) ?? initialDelaySeconds
        timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? timeoutSeconds
        failureThreshold = try container.decodeIfPresent(Int.self, forKey: .failureThreshold) ?? failureThreshold
        successThreshold = try container.decodeIfPresent(Int.self, forKey: .successThreshold) ?? successThreshold
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(periodSeconds, forKey: .periodSeconds)
        try container.encode(initialDelaySeconds, forKey: .initialDelaySeconds)
        try container.encode(timeoutSeconds, forKey: .timeoutSeconds)
        try container.encode(failureThreshold, forKey: .failureThreshold)
        try container.encode(successThreshold, forKey: .successThreshold)
    }
}

extension DeploymentConfig.DataCollection: Codable {
    private enum CodingKeys: String, CodingKey { case eventHubEnabled, storageEnabled }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        eventHubEnabled = try container.decodeIfPresent(Bool.self, forKey: .eventHubEnabled) ?? eventHubEnabled
        storageEnabled = try container.decodeIfPresent(Bool.self, forKey: .storageEnabled) ?? storageEnabled
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventHubEnabled, forKey: .eventHubEnabled)
        try container.encode(storageEnabled, forKey: .storageEnabled)
    }
}
