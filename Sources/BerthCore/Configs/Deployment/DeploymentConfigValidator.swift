/// Azure's deployment-config rules (compat.md §1.3, §2.1, §2.3), in Berth's wording with Azure's
/// phrase kept in parentheses where users may search for it. Field rules look at what the file
/// says; cross-field rules look at the resolved config, so a value left out is compared as its
/// default (on create) or current value (on update), and the message says which.
struct DeploymentConfigValidator {
    let file: DeploymentConfigFile
    let resolved: DeploymentConfig
    /// How a value the file did not give is described: "the default" or "the current value".
    let baseline: String
    let diagnostics: ConfigDiagnostics

    func validate() {
        checkPositive()
        checkRanges()
        checkLimits()
        checkAutoscale()
        checkAuth()
        checkNames()
        checkKeys()
        checkDataCollection()
    }

    private func checkPositive() {
        let resources = file.containerResourceRequirements
        let scaler = file.autoScaler
        let probe = file.livenessProbeRequirements
        let values: [(String, Double?)] = [
            ("containerResourceRequirements.cpu", resources?.cpu),
            ("containerResourceRequirements.memoryInGB", resources?.memoryInGB),
            ("containerResourceRequirements.cpuLimit", resources?.cpuLimit),
            ("containerResourceRequirements.memoryInGBLimit", resources?.memoryInGBLimit),
            ("autoScaler.minReplicas", scaler?.minReplicas.map(Double.init)),
            ("autoScaler.maxReplicas", scaler?.maxReplicas.map(Double.init)),
            ("autoScaler.refreshPeriodInSeconds", scaler?.refreshPeriodInSeconds.map(Double.init)),
            ("autoScaler.targetUtilization", scaler?.targetUtilization.map(Double.init)),
            ("numReplicas", file.numReplicas.map(Double.init)),
            ("scoringTimeoutMs", file.scoringTimeoutMs.map(Double.init)),
            ("maxConcurrentRequestsPerContainer", file.maxConcurrentRequestsPerContainer.map(Double.init)),
            ("maxQueueWaitMs", file.maxQueueWaitMs.map(Double.init)),
            ("livenessProbeRequirements.periodSeconds", probe?.periodSeconds.map(Double.init)),
            ("livenessProbeRequirements.initialDelaySeconds", probe?.initialDelaySeconds.map(Double.init)),
            ("livenessProbeRequirements.timeoutSeconds", probe?.timeoutSeconds.map(Double.init)),
            ("livenessProbeRequirements.failureThreshold", probe?.failureThreshold.map(Double.init)),
            ("livenessProbeRequirements.successThreshold", probe?.successThreshold.map(Double.init)),
        ]
        for case (let path, let value?) in values where value <= 0 {
            diagnostics.error("\(path) (\(JSONValue.format(value))) must be greater than zero.")
        }
    }

    private func checkRanges() {
        if let gpus = file.gpuCores, gpus < 0 {
            diagnostics.error("gpuCores (\(gpus)) must be greater than or equal to zero.")
        }
        if let target = file.autoScaler?.targetUtilization, target > 100 {
            diagnostics.error("autoScaler.targetUtilization (\(target)) must be between 1 and 100 (a percentage).")
        }
        if let traffic = file.trafficPercentile, !(0...100).contains(traffic) {
            diagnostics.error(
                "trafficPercentile (\(JSONValue.format(traffic))) cannot be negative or greater than 100."
            )
        }
    }

    private func checkLimits() {
        let resources = resolved.containerResourceRequirements
        let written = file.containerResourceRequirements
        if let limit = resources.cpuLimit, limit > 0, resources.cpu > 0, limit < resources.cpu {
            diagnostics.error(
                "containerResourceRequirements.cpuLimit (\(describe(written?.cpuLimit, limit))) must be greater "
                    + "than or equal to containerResourceRequirements.cpu (\(describe(written?.cpu, resources.cpu)))."
            )
        }
        if let limit = resources.memoryInGBLimit, limit > 0, resources.memoryInGB > 0, limit < resources.memoryInGB {
            diagnostics.error(
                "containerResourceRequirements.memoryInGBLimit (\(describe(written?.memoryInGBLimit, limit))) must "
                    + "be greater than or equal to containerResourceRequirements.memoryInGB "
                    + "(\(describe(written?.memoryInGB, resources.memoryInGB)))."
            )
        }
    }

    private func checkAutoscale() {
        let explicit = file.autoScaler?.autoscaleEnabled
        if explicit == true, let replicas = file.numReplicas {
            diagnostics.error(
                "numReplicas (\(replicas)) cannot be set while autoScaler.autoscaleEnabled is true (autoscale "
                    + "enabled and num_replicas provided); remove numReplicas or set autoscaleEnabled to false."
            )
        }
        guard resolved.autoScaler.autoscaleEnabled else {
            if resolved.numReplicas == nil {
                diagnostics.error(
                    "autoScaler.autoscaleEnabled is false but numReplicas is not set (autoscale disabled but "
                        + "num_replicas not provided); set numReplicas to the number of replicas to run."
                )
            }
            let why = explicit == false ? "" : " (numReplicas is set, which turns autoscaling off)"
            for (name, value) in file.autoScaler?.tuningFields ?? [] {
                diagnostics.error(
                    "autoScaler.\(name) (\(value)) provided without enabling autoscaling\(why); set "
                        + "autoScaler.autoscaleEnabled to true or remove autoScaler.\(name)."
                )
            }
            return
        }
        let scaler = resolved.autoScaler
        if scaler.minReplicas > 0, scaler.maxReplicas > 0, scaler.minReplicas > scaler.maxReplicas {
            let minimum = describe(file.autoScaler?.minReplicas, scaler.minReplicas)
            let maximum = describe(file.autoScaler?.maxReplicas, scaler.maxReplicas)
            diagnostics.error(
                "autoScaler.minReplicas (\(minimum)) cannot be greater than autoScaler.maxReplicas (\(maximum))."
            )
        }
    }

    private func checkAuth() {
        guard resolved.authEnabled, resolved.aadAuthEnabled else { return }
        diagnostics.error(
            "authEnabled and tokenAuthEnabled are both true (auth_enabled and token_auth_enabled cannot both be "
                + "true); set one of them to false."
        )
    }

    private func checkNames() {
        let names: [(field: String, kind: NameKind, value: String?)] = [
            ("namespace", .kubernetesNamespace, file.namespace), ("versionName", .endpointVersion, file.versionName),
        ]
        for case (let field, let kind, let value?) in names where !kind.isValid(value) {
            diagnostics.error("\(field) '\(value)' is invalid: \(kind.ruleMessage)")
        }
    }

    /// Chosen keys follow the rule `regen-key --set-key` follows; the messages never quote a key.
    private func checkKeys() {
        for case (let field, let key?) in [
            ("keys.primaryKey", file.keys?.primaryKey), ("keys.secondaryKey", file.keys?.secondaryKey),
        ] {
            if key.isEmpty {
                diagnostics.error("\(field) is empty; give a key or leave the field out to have one generated.")
            } else if let problem = ServiceKeyRule.problem(with: key, field: field) {
                diagnostics.error(problem)
            }
        }
    }

    /// Berth keeps collected model data as files; there is no Event Hub to stream it to, and
    /// accepting the setting would lose the data the user expects to find there.
    private func checkDataCollection() {
        guard file.dataCollection?.eventHubEnabled == true else { return }
        diagnostics.error(
            "dataCollection.eventHubEnabled is true, but Berth has no Event Hub to send model data to; set it to "
                + "false (or leave it out) and use \"dataCollection\": {\"storageEnabled\": true} so that "
                + "ModelDataCollector writes its rows as CSV files under the workspace's modeldata folder."
        )
    }

    /// A value for a message: as written, or marked as the default / current value.
    private func describe<T>(_ written: T?, _ effective: T) -> String {
        let text = { (value: T) -> String in
            if let number = value as? Double { return JSONValue.format(number) }
            return "\(value)"
        }
        return written.map(text) ?? "\(text(effective)), \(baseline)"
    }
}
