import BerthBackends
import BerthCore
import BerthStore
import Foundation

/// `berth service update`: a live service changes the way Azure's `Webservice.update()` changes it.
///
/// A new revision (models, entry script, sources, environment, or what replicas are started with)
/// rolls: its replicas start beside the serving ones, which stop only once every new replica is
/// ready, so scoring never fails during the update. If the new revision never becomes ready it is
/// rolled back — the old replicas never stopped — and the service keeps serving with an
/// `UpdateFailed` error that says why. Any other change is stored and applied without restarts.
extension DeploymentRunner {
    func update(_ update: ValidatedUpdate, log: @escaping @Sendable (String) async -> Void) async throws {
        for warning in update.warnings { await log("Warning: \(warning)") }
        guard let current = try await store.service(named: update.name), let currentRevision = current.revision else {
            throw BerthError.notFound("Service '\(update.name)' no longer exists.")
        }
        var candidate = current
        Self.apply(update, to: &candidate)
        if candidate.deploymentConfig.authEnabled { _ = try await keyring.keys(forService: candidate.name) }

        let restartNeeded = Self.replicasMustRestart(from: current.deploymentConfig, to: candidate.deploymentConfig)
        var prepared: PreparedRevision?
        if update.inferenceConfig != nil || (update.models != nil && candidate.models != current.models)
            || restartNeeded
        {
            let folder = files.folder(service: current.name, revision: currentRevision)
            let models = try await models(named: candidate.models)
            let revision = try await prepareRevision(
                service: current.name, inferenceConfig: candidate.inferenceConfig,
                sourceDirectory: update.sourceDirectory ?? folder.appendingPathComponent("source", isDirectory: true),
                models: models, log: log)
            let unchanged =
                revision.sourceDigest == current.sourceDigest && revision.environment.hash == current.environmentHash
                && candidate.models == current.models
                && candidate.inferenceConfig.entryScript == current.inferenceConfig.entryScript
                && candidate.inferenceConfig.environmentVariables == current.inferenceConfig.environmentVariables
                && !restartNeeded
            if unchanged {
                try? FileManager.default.removeItem(at: revision.folder)
                await log("The sources, environment and models are the ones already running.")
            } else {
                prepared = revision
            }
        }
        guard let prepared else {
            // Field by field on the spec as stored now: an autoscaler decision made meanwhile stays.
            candidate = try await store.updateService(named: update.name, ifGeneration: nil) { service in
                Self.apply(update, to: &service)
            }
            try await backend.apply(try await spec(for: candidate))
            // A successful update clears the error of an earlier rolled-back one.
            if current.error?.code == "UpdateFailed" {
                try await observer.rolloutEnded(candidate, RolloutCondition(.complete))
            }
            await routes.rebuild()  // In force at the router when the update returns.
            await log("Applied without restarting replicas: \(Self.summary(from: current, to: candidate)).")
            return
        }

        candidate = try await store.updateService(named: update.name, ifGeneration: nil) { service in
            Self.apply(update, to: &service)
            service.revision = prepared.revision
            service.sourceDigest = prepared.sourceDigest
            service.environmentHash = prepared.environment.hash
            service.pythonPath = prepared.environment.pythonExecutable
        }
        try await observer.rolloutStarted(candidate)
        await log(
            "Rolling \(candidate.desiredReplicas) replica(s) to revision \(prepared.revision); "
                + "revision \(currentRevision) serves until they are ready…")
        let applied = try await spec(for: candidate)
        try await backend.apply(applied, progress: log)
        routes.changed()
        let outcome = try await waitForReplicas(of: candidate, log: log)
        if case .ready = outcome {
            try await finish(&candidate, RolloutCondition(.complete))
            files.removeOtherRevisions(service: candidate.name, keep: [prepared.revision, currentRevision])
            await log("Service '\(candidate.name)' is Healthy on revision \(prepared.revision).")
            return
        }
        let cause: BerthError
        switch outcome {
        case .ready: return
        case .failed(_, let error), .timedOut(let error): cause = error
        }
        // Roll back: the previous replicas never stopped; they take over and the new ones go. The
        // spec returns to the previous revision's (the replica count as it is now).
        var restored = try await store.updateService(named: update.name, ifGeneration: nil) { service in
            let replicas = service.desiredReplicas
            service = current
            service.desiredReplicas = replicas
        }
        try await backend.apply(try await spec(for: restored))
        try? FileManager.default.removeItem(at: prepared.folder)
        let failure = BerthError(
            cause.code,
            "The update to revision \(prepared.revision) was rolled back; revision \(currentRevision) keeps serving. "
                + cause.message)
        try await finish(
            &restored, RolloutCondition(.rolledBack, error: ErrorDetail(code: "UpdateFailed", message: failure.message))
        )
        throw failure
    }

    /// Sets what `update` changes on a service's spec (the revision apart): what it gives replaces
    /// the current value, and the replica count follows the new config from the current count.
    static func apply(_ update: ValidatedUpdate, to service: inout Webservice) {
        let current = service.desiredReplicas
        service.deploymentConfig = update.deploymentConfig
        if let models = update.models { service.models = models.map(\.id) }
        if let inference = update.inferenceConfig { service.inferenceConfig = inference }
        if let description = update.description { service.description = description }
        if let tags = update.kvTags { service.kvTags = tags }
        if let properties = update.properties { service.properties = properties }
        service.desiredReplicas = replicas(after: current, config: update.deploymentConfig)
        service.updatedTime = Date()
    }

    /// The spec of a stored service at its revision.
    func spec(for service: Webservice) async throws -> DeploymentSpec {
        let folder = files.folder(service: service.name, revision: service.revision ?? "")
        let entryScript = DeploymentFiles.sourceLocation(of: service.inferenceConfig, baseDirectory: folder).entryScript
        return try await spec(
            for: service, entryScript: entryScript,
            modelDirectory: files.modelDirectory(for: service.models, in: folder))
    }

    private func models(named ids: [String]) async throws -> [Model] {
        try await store.models(referencedBy: ids) { "Model '\($0)' no longer exists; give the models to run with -m." }
    }

    /// The replica count under a new config: `numReplicas` when fixed, else the current count
    /// within the new autoscale bounds.
    static func replicas(after current: Int, config: DeploymentConfig) -> Int {
        if let fixed = config.numReplicas { return fixed }
        guard config.autoScaler.autoscaleEnabled else { return current }
        return min(config.autoScaler.maxReplicas, max(max(1, config.autoScaler.minReplicas), current))
    }

    /// Settings a replica is started with: changing them needs new replicas. A shorter
    /// `scoringTimeoutMs` does not (the router enforces it at once); a longer one does, or the
    /// replica would still stop workers at the old limit.
    static func replicasMustRestart(from old: DeploymentConfig, to new: DeploymentConfig) -> Bool {
        old.containerResourceRequirements != new.containerResourceRequirements
            || old.maxConcurrentRequestsPerContainer != new.maxConcurrentRequestsPerContainer
            || new.scoringTimeoutMs > old.scoringTimeoutMs
            || old.dataCollection.storageEnabled != new.dataCollection.storageEnabled
            || old.appInsightsEnabled != new.appInsightsEnabled
    }

    private static func summary(from old: Webservice, to new: Webservice) -> String {
        var changes: [String] = []
        let (a, b) = (old.deploymentConfig, new.deploymentConfig)
        if a.authEnabled != b.authEnabled { changes.append("authEnabled \(b.authEnabled)") }
        if a.aadAuthEnabled != b.aadAuthEnabled { changes.append("tokenAuthEnabled \(b.aadAuthEnabled)") }
        if a.scoringTimeoutMs != b.scoringTimeoutMs { changes.append("scoringTimeoutMs \(b.scoringTimeoutMs)") }
        if a.maxQueueWaitMs != b.maxQueueWaitMs { changes.append("maxQueueWaitMs \(b.maxQueueWaitMs)") }
        if a.autoScaler != b.autoScaler || a.numReplicas != b.numReplicas {
            changes.append("replicas \(old.desiredReplicas) → \(new.desiredReplicas)")
        }
        if a.livenessProbeRequirements != b.livenessProbeRequirements { changes.append("liveness probe") }
        if a.dataCollection.storageEnabled != b.dataCollection.storageEnabled {
            changes.append("model data collection \(b.dataCollection.storageEnabled ? "on" : "off")")
        }
        if a.appInsightsEnabled != b.appInsightsEnabled {
            changes.append("request telemetry \(b.appInsightsEnabled ? "on" : "off")")
        }
        if old.description != new.description { changes.append("description") }
        if old.kvTags != new.kvTags { changes.append("tags") }
        if old.properties != new.properties { changes.append("properties") }
        return changes.isEmpty ? "no setting changed" : changes.joined(separator: ", ")
    }
}
