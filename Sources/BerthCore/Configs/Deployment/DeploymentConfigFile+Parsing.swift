import Foundation

extension DeploymentConfigFile {
    /// Reads and validates a `deploymentconfig.json`.
    ///
    /// Every problem found is reported at once: the thrown `BerthError.invalidConfiguration` has one
    /// line per problem, each naming `fileName`, the field path as written and the value. Unknown
    /// fields are not errors; each gives a warning in the result.
    ///
    /// - Parameters:
    ///   - fileName: how messages name the file.
    ///   - requiresComputeType: `false` for a partial file that updates a live service, where the
    ///     compute type is already known.
    public static func parse(
        _ data: Data,
        fileName: String = "deploymentconfig.json",
        requiresComputeType: Bool = true
    ) throws(BerthError) -> Parsed<DeploymentConfigFile> {
        let diagnostics = ConfigDiagnostics(fileName: fileName)
        let members = try diagnostics.parseRootObject(data, flag: "--deploy-config-file")
        let root = ConfigObjectReader(path: "", members: members, diagnostics: diagnostics)
        let file = read(root, requiresComputeType: requiresComputeType)
        // Azure's REST payloads call tags `kvTags`; a file written after one is pointed at `tags`.
        root.finish(hints: [
            "kvTags": "a deploymentconfig.json gives the service's tags as \"tags\": {\"key\": \"value\"}"
        ])
        DeploymentConfigValidator(
            file: file, resolved: file.resolved(), baseline: "the default", diagnostics: diagnostics
        )
        .validate()
        try diagnostics.throwIfErrors()
        return Parsed(value: file, warnings: diagnostics.warnings)
    }

    private static func read(_ root: ConfigObjectReader, requiresComputeType: Bool) -> DeploymentConfigFile {
        var file = DeploymentConfigFile()
        file.computeType = readComputeType(root, required: requiresComputeType)
        if let resources = root.object("containerResourceRequirements") {
            file.containerResourceRequirements = ContainerResourceRequirements(
                cpu: resources.double("cpu"),
                memoryInGB: resources.double("memoryInGB"),
                cpuLimit: resources.either("cpuLimit", "cpu_limit", resources.double),
                memoryInGBLimit: resources.either("memoryInGBLimit", "memory_limit", resources.double)
            )
            resources.finish(hints: ["gpu": "for AKS, GPUs are read only from the top-level 'gpuCores'"])
        }
        file.gpuCores = root.int("gpuCores")
        if let scaler = root.object("autoScaler") {
            file.autoScaler = AutoScaler(
                autoscaleEnabled: scaler.bool("autoscaleEnabled"),
                minReplicas: scaler.int("minReplicas"),
                maxReplicas: scaler.int("maxReplicas"),
                refreshPeriodInSeconds: scaler.int("refreshPeriodInSeconds"),
                targetUtilization: scaler.int("targetUtilization")
            )
            scaler.finish()
        }
        file.numReplicas = root.int("numReplicas")
        file.authEnabled = root.bool("authEnabled")
        file.tokenAuthEnabled = root.bool("tokenAuthEnabled")
        file.scoringTimeoutMs = root.int("scoringTimeoutMs")
        file.maxConcurrentRequestsPerContainer = root.int("maxConcurrentRequestsPerContainer")
        file.maxQueueWaitMs = root.int("maxQueueWaitMs")
        if let probe = root.object("livenessProbeRequirements") {
            file.livenessProbeRequirements = LivenessProbeRequirements(
                periodSeconds: probe.int("periodSeconds"),
                initialDelaySeconds: probe.int("initialDelaySeconds"),
                timeoutSeconds: probe.int("timeoutSeconds"),
                failureThreshold: probe.int("failureThreshold"),
                successThreshold: probe.int("successThreshold")
            )
            probe.finish()
        }
        file.namespace = root.string("namespace")
        file.appInsightsEnabled = root.bool("appInsightsEnabled")
        if let collection = root.object("dataCollection") {
            file.dataCollection = DataCollection(
                storageEnabled: collection.bool("storageEnabled"),
                eventHubEnabled: collection.bool("eventHubEnabled")
            )
            collection.finish()
        }
        if let keys = root.object("keys") {
            file.keys = Keys(primaryKey: keys.string("primaryKey"), secondaryKey: keys.string("secondaryKey"))
            keys.finish()
        }
        readTargetAndEndpoint(root, into: &file)
        file.tags = root.stringMap("tags")
        file.properties = root.stringMap("properties")
        file.description = root.string("description")
        return file
    }

    /// `computeTargetName` is read for `aks` only and the endpoint fields for `aksendpoint` only, as
    /// Azure does; the others are ignored with a warning.
    private static func readTargetAndEndpoint(_ root: ConfigObjectReader, into file: inout DeploymentConfigFile) {
        if file.computeType == .aksEndpoint {
            root.ignore("computeTargetName", because: "it is not read for computeType 'aksendpoint'")
        } else {
            file.computeTargetName = root.string("computeTargetName")
        }
        let endpointFields = ["versionName", "trafficPercentile", "isDefault", "isControlVersionType"]
        if file.computeType == .aks {
            for key in endpointFields {
                root.ignore(key, because: "it is read only for computeType 'aksendpoint'")
            }
            return
        }
        file.versionName = root.string("versionName")
        file.trafficPercentile = root.double("trafficPercentile")
        file.isDefault = root.bool("isDefault")
        file.isControlVersionType = root.bool("isControlVersionType")
    }

    private static func readComputeType(_ root: ConfigObjectReader, required: Bool) -> ComputeType? {
        guard let text = root.string("computeType") else {
            if required, !root.contains("computeType") {
                root.diagnostics.error(
                    "Need to specify computeType in --deploy-config-file; add \"computeType\": \"aks\"."
                )
            }
            return nil
        }
        if let type = ComputeType(caseInsensitive: text) { return type }
        if ["local", "aci"].contains(text.lowercased()) {
            root.diagnostics.error(
                "computeType '\(text)' is not supported: Berth deploys AKS-style configs; use \"aks\" for a "
                    + "web service or \"aksendpoint\" for a version behind an endpoint."
            )
        } else {
            root.diagnostics.error("unknown deployment type: \(text); use \"aks\" or \"aksendpoint\".")
        }
        return nil
    }
}
