import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Logging
import ServiceLifecycle

/// Runs deploys and deletes in the background, each reporting through its operation, and after a
/// server start brings the stored services' replicas back.
///
/// It writes a service's spec for the operation that claimed it (the API only validates, claims the
/// service and enqueues), and reports how each rollout went to the status observer, the one writer
/// of observed state.
struct DeploymentRunner: Service {
    let queue: DeploymentQueue
    let store: any MetadataStore
    let backend: any ComputeBackend
    let files: DeploymentFiles
    let keyring: ServiceKeyring
    let routes: RoutePublisher
    /// Where rollouts are reported, and so how services' status changes.
    let observer: ServiceStatusObserver
    /// Fired by the backends when replicas change: what a deploy waits on instead of sleeping.
    let changes: ChangeSignal
    /// The router's base URL once it listens, for scoring URIs.
    let routerURL: @Sendable () -> String?
    let environments: any EnvironmentBuilder
    let logger: Logger
    /// How long a deploy waits for every replica to be ready before the service is Unhealthy.
    var readinessTimeout: Duration = .seconds(600)
    /// A replica restarted this often without any replica ever ready means the deploy failed.
    var failedAfterRestarts = 3
    /// Scoring URIs of services on attached clusters (their router's load balancer), when the
    /// control plane has clusters; nil keeps every URI the local router's.
    var clusterURIs: ClusterScoringURIs?

    func run() async throws {
        for service in try await store.services() {
            if service.deleting {
                queue.enqueue(
                    .delete(
                        name: service.name,
                        OperationRecorder(restoredDelete(service), store: store, changes: queue.operationChanges)))
            } else if service.revision != nil, service.state != .failed, service.state != .unschedulable {
                queue.enqueue(.restore(service))
            }
        }
        await withDiscardingTaskGroup { group in
            for await job in queue.jobs.cancelOnGracefulShutdown() {
                group.addTask { await handle(job) }
            }
            group.cancelAll()
        }
    }

    private func handle(_ job: DeploymentJob) async {
        switch job {
        case .deploy(let deploy, let recorder):
            await recorder.start()
            do {
                try await self.deploy(deploy, log: { await recorder.log($0) })
                await recorder.finish()
            } catch {
                await recorder.log("Deploy failed: \(message(of: error))")
                await recorder.finish(error: berthError(error))
            }
            queue.release(deploy.name)
        case .update(let update, let recorder):
            await recorder.start()
            do {
                try await self.update(update, log: { await recorder.log($0) })
                await recorder.finish()
            } catch {
                await recorder.log("Update failed: \(message(of: error))")
                await recorder.finish(error: berthError(error))
            }
            queue.release(update.name)
        case .delete(let name, let recorder):
            await recorder.start()
            do {
                try await delete(name, log: { await recorder.log($0) })
                await recorder.finish()
            } catch {
                await recorder.finish(error: berthError(error))
            }
            queue.release(name)
        case .restore(let service):
            guard queue.claim(service.name) else { return }
            do {
                try await restore(service)
            } catch {
                logger.error(
                    "Could not restore service", metadata: ["service.name": "\(service.name)", "error": "\(error)"])
            }
            queue.release(service.name)
        }
    }

    // MARK: Deploy

    private func deploy(_ deploy: ValidatedDeploy, log: @escaping @Sendable (String) async -> Void) async throws {
        for warning in deploy.warnings { await log("Warning: \(warning)") }
        let prepared = try await prepareRevision(
            service: deploy.name, inferenceConfig: deploy.inferenceConfig, sourceDirectory: deploy.sourceDirectory,
            models: deploy.models, log: log)
        let revision = prepared.revision
        let environment = prepared.environment
        let modelDirectory = prepared.modelDirectory

        let previous = try await store.service(named: deploy.name)
        var service = Webservice(
            name: deploy.name, computeName: deploy.compute.name, computeType: deploy.compute.computeType.rawValue,
            models: deploy.models.map(\.id), inferenceConfig: deploy.inferenceConfig,
            deploymentConfig: deploy.deploymentConfig,
            desiredReplicas: Webservice.initialReplicas(for: deploy.deploymentConfig),
            createdTime: previous?.createdTime ?? Date())
        service.description = deploy.description
        service.kvTags = deploy.kvTags
        service.properties = deploy.properties
        service.revision = revision
        service.pythonPath = environment.pythonExecutable
        service.environmentHash = environment.hash
        service.sourceDigest = prepared.sourceDigest
        service.updatedTime = Date()
        await setURIs(&service)
        let noClusterURI = await clusterURIs?.apply(to: &service)
        if let noClusterURI { await log(noClusterURI) }
        service = try await store.saveService(
            service,
            status: WebserviceStatus(scoringUri: service.scoringUri, swaggerUri: service.swaggerUri))
        if let keys = deploy.keys { try await keyring.use(keys, forService: deploy.name) }
        if deploy.deploymentConfig.authEnabled { _ = try await keyring.keys(forService: deploy.name) }

        let applied = try await spec(for: service, entryScript: deploy.entryScript, modelDirectory: modelDirectory)
        try await backend.apply(applied, progress: log)
        await log("Starting \(service.desiredReplicas) replica(s) on '\(deploy.compute.name)'…")
        routes.changed()
        switch try await waitForReplicas(of: service, log: log) {
        case .ready:
            try await finish(&service, RolloutCondition(.complete))
        case .failed(let phase, let error):
            await backend.remove(deploymentNamed: service.name)
            try await finish(&service, RolloutCondition(phase, error: ErrorDetail(error)))
            throw error
        case .timedOut(let error):
            try await finish(&service, RolloutCondition(.timedOut, error: ErrorDetail(error)))
            throw error
        }
        files.removeOtherRevisions(service: deploy.name, keep: [revision])
        await log("Service '\(service.name)' is \(service.state.rawValue).")
        let missing = noClusterURI == nil ? "(the router is not running)" : "(none yet: see above)"
        await log("Scoring URI: \(service.scoringUri ?? missing)")
        await log("Swagger URI: \(service.swaggerUri ?? missing)")
        if deploy.deploymentConfig.authEnabled {
            await log("Keys: berth service get-keys -n \(service.name)")
        }
    }

    /// What replicas of a new revision run from: its folder with the source snapshot and the
    /// models laid out, and its Python environment.
    struct PreparedRevision: Sendable {
        var revision: String
        var folder: URL
        var sourceDigest: String
        var environment: PreparedEnvironment
        var modelDirectory: URL
    }

    /// Snapshots the sources, finds or builds the environment and lays out the models, in a new
    /// revision folder (removed again if any step fails).
    func prepareRevision(
        service: String, inferenceConfig: InferenceConfig, sourceDirectory: URL, models: [Model],
        log: @escaping @Sendable (String) async -> Void
    ) async throws -> PreparedRevision {
        let revision = String(UUID().uuidString.lowercased().prefix(8))
        let folder = files.folder(service: service, revision: revision)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            let snapshot = try await SourcePackager(artifacts: files.artifacts).snapshot(of: sourceDirectory)
            await log(snapshot.summary)
            try await snapshot.materialize(
                into: folder.appendingPathComponent("source", isDirectory: true), from: files.artifacts)
            let environment = try await prepareEnvironment(
                inferenceConfig: inferenceConfig, sourceDirectory: sourceDirectory, log: log)
            let modelDirectory = try files.materializeModels(models, in: folder)
            await log("Models: \(models.map(\.id).joined(separator: ", ")) → AZUREML_MODEL_DIR=\(modelDirectory.path)")
            return PreparedRevision(
                revision: revision, folder: folder, sourceDigest: snapshot.digest, environment: environment,
                modelDirectory: modelDirectory)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// Finds or builds the deploy's Python environment, streaming the builder's output (pip's
    /// lines included) into the operation log as it comes.
    private func prepareEnvironment(
        inferenceConfig: InferenceConfig, sourceDirectory: URL, log: @escaping @Sendable (String) async -> Void
    ) async throws -> PreparedEnvironment {
        let spec = try EnvironmentSpec.load(for: inferenceConfig, filesIn: sourceDirectory)
        for warning in spec.warnings { await log("Warning: \(warning)") }
        await log("Environment \(spec.value.shortHash): looking in the workspace cache, then the machine cache…")
        let (lines, continuation) = AsyncStream.makeStream(of: String.self)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await line in lines { await log("  \(line)") }
            }
            defer { continuation.finish() }
            let prepared = try await environments.prepare(spec.value, log: { continuation.yield($0) })
            continuation.finish()
            try await group.waitForAll()
            return prepared
        }
    }

    /// How waiting for a revision's replicas ended.
    enum ReadyOutcome: Sendable {
        case ready
        /// It will not get better: unschedulable, or replicas that keep failing (the phase says which).
        case failed(RolloutCondition.Phase, BerthError)
        /// Not all ready within `readinessTimeout`; they may still come.
        case timedOut(BerthError)
    }

    /// Reads the backend whenever it signals a change (and at least once a second, for restart
    /// counts no signal announces) until every replica of the current revision is ready, the
    /// revision clearly failed, or the timeout passed, logging progress. Changes nothing itself.
    func waitForReplicas(of service: Webservice, log: @Sendable (String) async -> Void) async throws -> ReadyOutcome {
        let deadline = ContinuousClock.now.advanced(by: readinessTimeout)
        var lastReady = -1
        var warned: Set<String> = []
        while true {
            try Task.checkCancellation()
            let seen = changes.version
            let status = await backend.status(ofDeployment: service.name)
            for warning in status?.warnings ?? [] where warned.insert(warning).inserted {
                await log("Warning: \(warning)")
            }
            let ready = status?.readyCount ?? 0
            if ready != lastReady {
                await log("Replicas ready: \(ready)/\(service.desiredReplicas)")
                lastReady = ready
            }
            if let shortage = status?.unschedulable {
                return .failed(.unschedulable, BerthError(.insufficientCapacity, shortage))
            }
            if ready >= service.desiredReplicas { return .ready }
            if ready == 0,
                let crashing = status?.replicas.first(where: {
                    $0.restarts >= failedAfterRestarts || $0.workerFailures >= failedAfterRestarts
                })
            {
                let tail = (try? await backend.logs(ofDeployment: service.name, replica: crashing.id, lines: 25)) ?? ""
                return .failed(
                    .failed,
                    BerthError(
                        .internalError,
                        "The replicas of '\(service.name)' never became ready: replica \(crashing.id) failed "
                            + "\(max(crashing.restarts, crashing.workerFailures)) times in a row (\(crashing.lastError ?? "no reason recorded")). "
                            + "Its log ends with:\n" + tail))
            }
            if ContinuousClock.now >= deadline {
                return .timedOut(
                    BerthError(
                        .unavailable,
                        "Only \(ready) of \(service.desiredReplicas) replicas of '\(service.name)' became ready within "
                            + "\(readinessTimeout). 'berth service get-logs -n \(service.name)' shows why."))
            }
            await changes.wait(after: seen, upTo: min(.seconds(1), deadline - ContinuousClock.now))
        }
    }

    /// Reports how the rollout of `service` ended and reads the service back as it now shows.
    func finish(_ service: inout Webservice, _ rollout: RolloutCondition) async throws {
        if let shown = try await observer.rolloutEnded(service, rollout) { service = shown }
        // Built now rather than signalled: when the caller hears "Healthy", the router already
        // routes to the new replicas (a signalled rebuild could still be on its way).
        await routes.rebuild()
    }

    // MARK: Delete and restore

    private func delete(_ name: String, log: @Sendable (String) async -> Void) async throws {
        await backend.remove(deploymentNamed: name)
        await log("Stopped the replicas of '\(name)'.")
        try await store.deleteService(named: name)
        files.removeAll(service: name)
        routes.changed()
        await log("Deleted service '\(name)'.")
    }

    private func restore(_ service: Webservice) async throws {
        var service = service
        guard let revision = service.revision else { return }
        let folder = files.folder(service: service.name, revision: revision)
        let entryScript = DeploymentFiles.sourceLocation(of: service.inferenceConfig, baseDirectory: folder).entryScript
        let modelDirectory = files.modelDirectory(for: service.models, in: folder)
        await setURIs(&service)
        if let noClusterURI = await clusterURIs?.apply(to: &service) {
            logger.notice(
                "Service has no scoring URI yet",
                metadata: ["service.name": "\(service.name)", "reason": "\(noClusterURI)"])
        }
        try await observer.rolloutStarted(service)
        try await backend.apply(spec(for: service, entryScript: entryScript, modelDirectory: modelDirectory))
        logger.info("Restoring service", metadata: ["service.name": "\(service.name)"])
        switch try await waitForReplicas(of: service, log: { _ in }) {
        case .ready: try await finish(&service, RolloutCondition(.complete))
        case .failed(let phase, let error):
            await backend.remove(deploymentNamed: service.name)
            try await finish(&service, RolloutCondition(phase, error: ErrorDetail(error)))
        case .timedOut(let error): try await finish(&service, RolloutCondition(.timedOut, error: ErrorDetail(error)))
        }
    }

    private func restoredDelete(_ service: Webservice) -> BerthCore.Operation {
        BerthCore.Operation(operationType: "DeleteService", resourceLocation: "/api/v1/services/\(service.name)")
    }

    // MARK: Helpers

    func spec(for service: Webservice, entryScript: String, modelDirectory: URL) async throws -> DeploymentSpec {
        guard let compute = try await store.compute(named: service.computeName) else {
            throw BerthError.notFound("Compute target '\(service.computeName)' no longer exists.")
        }
        let config = service.deploymentConfig
        let folder = files.folder(service: service.name, revision: service.revision ?? "")
        var spec = DeploymentSpec(
            name: service.name, computeName: compute.name, capacity: compute.capacity,
            replicas: service.desiredReplicas, revision: service.revision ?? "", entryScript: entryScript,
            sourceDirectory: folder.appendingPathComponent("source", isDirectory: true), modelDirectory: modelDirectory,
            python: service.pythonPath ?? "python3", cpu: config.containerResourceRequirements.cpu,
            memoryInGB: config.containerResourceRequirements.memoryInGB,
            maxConcurrentRequests: config.maxConcurrentRequestsPerContainer, scoringTimeoutMs: config.scoringTimeoutMs,
            liveness: config.livenessProbeRequirements)
        spec.memoryLimitInGB = config.containerResourceRequirements.memoryInGBLimit
        spec.environment = service.inferenceConfig.environmentVariables.merging(
            ModelDataCollection.environment(for: config, computeKind: compute.computeType, deploymentsRoot: files.root)
        ) { _, collection in collection }
        spec.environment.merge(
            RequestTelemetrySettings.environment(
                for: service, computeKind: compute.computeType,
                telemetryRoot: WorkspaceLayout(root: files.root.deletingLastPathComponent()).telemetry)
        ) { _, telemetry in telemetry }
        spec.cpuLimit = config.containerResourceRequirements.cpuLimit
        spec.gpu = config.containerResourceRequirements.gpu
        spec.namespace = config.namespace
        spec.pythonEnvironment = PythonEnvironment.of(service.inferenceConfig, sourceDirectory: spec.sourceDirectory)
        return spec
    }

    func setURIs(_ service: inout Webservice) async {
        guard let router = routerURL() else { return }
        let tls = try? await store.compute(named: service.computeName)?.sslConfiguration
        service.setURIs(routerURL: router, tls: tls)
    }
}

private func message(of error: any Error) -> String {
    (error as? BerthError)?.message ?? "\(error)"
}

private func berthError(_ error: any Error) -> BerthError {
    error as? BerthError ?? BerthError(.internalError, "\(error)")
}
