extension DeploymentConfigFile {
    /// The config with Azure's defaults (the initial values in `DeploymentConfig`) filled in for
    /// every field the file leaves out. Call it on a file that `parse` accepted.
    public func resolved() -> DeploymentConfig {
        DeploymentConfig(computeType: computeType ?? .aks).merged(with: self)
    }
}

extension DeploymentConfig {
    /// Updates a live service's config with a partial file (`berth service update --deploy-config-file`):
    /// fields the file sets replace the current ones, the rest stay. The result is validated again,
    /// with cross-field rules checked against the merged values (e.g. a new `minReplicas` against the
    /// current `maxReplicas`).
    ///
    /// Setting `numReplicas` without `autoScaler.autoscaleEnabled` turns autoscaling off, and
    /// turning autoscaling on drops the fixed count, as at creation. Turning token auth on without
    /// mentioning key auth turns key auth off (and the other way round), since both cannot be on.
    public func applying(
        _ file: DeploymentConfigFile,
        fileName: String = "deploymentconfig.json"
    ) throws(BerthError) -> DeploymentConfig {
        let diagnostics = ConfigDiagnostics(fileName: fileName)
        if let requested = file.computeType, requested != computeType {
            diagnostics.error(
                "computeType cannot change from '\(computeType)' to '\(requested)' on update; "
                    + "deploy a new service instead."
            )
        }
        let merged = merged(with: file)
        DeploymentConfigValidator(file: file, resolved: merged, baseline: "the current value", diagnostics: diagnostics)
            .validate()
        try diagnostics.throwIfErrors()
        return merged
    }

    /// Lays `file` over `self` without validating.
    func merged(with file: DeploymentConfigFile) -> DeploymentConfig {
        var config = self
        if let resources = file.containerResourceRequirements {
            config.containerResourceRequirements.cpu = resources.cpu ?? config.containerResourceRequirements.cpu
            config.containerResourceRequirements.memoryInGB =
                resources.memoryInGB ?? config.containerResourceRequirements.memoryInGB
            config.containerResourceRequirements.cpuLimit =
                resources.cpuLimit ?? config.containerResourceRequirements.cpuLimit
            config.containerResourceRequirements.memoryInGBLimit =
                resources.memoryInGBLimit ?? config.containerResourceRequirements.memoryInGBLimit
        }
        config.containerResourceRequirements.gpu = file.gpuCores ?? config.containerResourceRequirements.gpu
        config.mergeScaling(from: file)
        config.mergeAuth(from: file)
        config.scoringTimeoutMs = file.scoringTimeoutMs ?? config.scoringTimeoutMs
        config.maxConcurrentRequestsPerContainer =
            file.maxConcurrentRequestsPerContainer ?? config.maxConcurrentRequestsPerContainer
        config.maxQueueWaitMs = file.maxQueueWaitMs ?? config.maxQueueWaitMs
        if let probe = file.livenessProbeRequirements {
            var current = config.livenessProbeRequirements
            current.periodSeconds = probe.periodSeconds ?? current.periodSeconds
            current.initialDelaySeconds = probe.initialDelaySeconds ?? current.initialDelaySeconds
            current.timeoutSeconds = probe.timeoutSeconds ?? current.timeoutSeconds
            current.failureThreshold = probe.failureThreshold ?? current.failureThreshold
            current.successThreshold = probe.successThreshold ?? current.successThreshold
            config.livenessProbeRequirements = current
        }
        config.namespace = file.namespace ?? config.namespace
        config.appInsightsEnabled = file.appInsightsEnabled ?? config.appInsightsEnabled
        config.dataCollection.storageEnabled = file.dataCollection?.storageEnabled ?? config.dataCollection.storageEnabled
        config.dataCollection.eventHubEnabled =
            file.dataCollection?.eventHubEnabled ?? config.dataCollection.eventHubEnabled
        config.computeTargetName = file.computeTargetName ?? config.computeTargetName
        config.versionName = file.versionName ?? config.versionName
        config.trafficPercentile = file.trafficPercentile ?? config.trafficPercentile
        config.isDefault = file.isDefault ?? config.isDefault
        if let isControl = file.isControlVersionType {
            config.versionType = isControl ? .control : .treatment
        }
        return config
    }

    private mutating func mergeScaling(from file: DeploymentConfigFile) {
        if let scaler = file.autoScaler {
            autoScaler.minReplicas = scaler.minReplicas ?? autoScaler.minReplicas
            autoScaler.maxReplicas = scaler.maxReplicas ?? autoScaler.maxReplicas
            autoScaler.refreshPeriodInSeconds = scaler.refreshPeriodInSeconds ?? autoScaler.refreshPeriodInSeconds
            autoScaler.targetUtilization = scaler.targetUtilization ?? autoScaler.targetUtilization
        }
        if let enabled = file.autoScaler?.autoscaleEnabled {
            autoScaler.autoscaleEnabled = enabled
        } else if file.numReplicas != nil {
            autoScaler.autoscaleEnabled = false
        }
        numReplicas = file.numReplicas ?? numReplicas
        if autoScaler.autoscaleEnabled, file.numReplicas == nil {
            numReplicas = nil
        }
    }

    private mutating func mergeAuth(from file: DeploymentConfigFile) {
        if let keyAuth = file.authEnabled {
            authEnabled = keyAuth
            if keyAuth, file.tokenAuthEnabled == nil { aadAuthEnabled = false }
        }
        if let tokenAuth = file.tokenAuthEnabled {
            aadAuthEnabled = tokenAuth
            if tokenAuth, file.authEnabled == nil { authEnabled = false }
        }
    }
}
