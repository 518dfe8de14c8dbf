import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Logging
import ServiceLifecycle

/// The one writer of services' observed status: how their rollouts went (told by the deployment
/// runner), how many replicas are ready and why not (read from the backend whenever it signals a
/// change), and their scoring URIs.
///
/// Every write goes through `ServiceStore.updateServiceStatus`, which changes the status alone in
/// one transaction, so it never loses a spec change made meanwhile (an update, the autoscaler's
/// replica count), and they never lose its. State and error are not written at all: they are
/// derived from spec and status by `ServiceHealth`.
struct ServiceStatusObserver: Service {
    let store: any ServiceStore
    let backend: any ComputeBackend
    let changes: ChangeSignal
    let logger: Logger

    func run() async throws {
        let signals = changes.subscribe()
        await cancelWhenGracefulShutdown {
            await observeAll()
            for await _ in signals { await observeAll() }
        }
    }

    // MARK: Rollouts (the deployment runner's reports)

    /// A rollout of `service`'s current spec began: Transitioning until it ends, with the scoring
    /// URIs it will serve at (nil when there are none yet).
    func rolloutStarted(_ service: Webservice) async throws {
        let (generation, scoring, swagger) = (service.generation, service.scoringUri, service.swaggerUri)
        try await store.updateServiceStatus(named: service.name) { status in
            status.observedGeneration = generation
            status.rollout = RolloutCondition(.progressing)
            status.scoringUri = scoring
            status.swaggerUri = swagger
            status.updatedTime = Date()
        }
    }

    /// The rollout of `service` ended as `rollout` says; the ready replicas are read again, so the
    /// state the caller reports next is the state a reader sees.
    @discardableResult
    func rolloutEnded(_ service: Webservice, _ rollout: RolloutCondition) async throws -> Webservice? {
        let deployment = await backend.status(ofDeployment: service.name)
        let generation = service.generation
        return try await store.updateServiceStatus(named: service.name) { status in
            status.observedGeneration = generation
            status.rollout = rollout
            status.fold(deployment)
            status.updatedTime = Date()
        }
    }

    /// The scoring and swagger URIs of service `name` changed (its compute's TLS, say).
    func setURIs(ofService name: String, scoringUri: String?, swaggerUri: String?) async throws {
        try await store.updateServiceStatus(named: name) { status in
            status.scoringUri = scoringUri
            status.swaggerUri = swaggerUri
        }
    }

    // MARK: Readiness

    /// Folds what the backend runs now into every service's status.
    func observeAll() async {
        do {
            for service in try await store.services() where !service.deleting {
                let deployment = await backend.status(ofDeployment: service.name)
                // The store writes nothing when the fold changed nothing.
                try await store.updateServiceStatus(named: service.name) { status in
                    let before = status
                    status.fold(deployment)
                    if status != before { status.updatedTime = Date() }
                }
            }
        } catch {
            logger.error("Cannot record the services' readiness", metadata: ["error": "\(error)"])
        }
    }
}

extension WebserviceStatus {
    /// Takes the ready count and the reason replicas are missing from what a backend observes of
    /// the deployment (nil: nothing runs).
    mutating func fold(_ deployment: DeploymentStatus?) {
        readyReplicas = deployment?.readyCount ?? 0
        notReadyReason = Self.reason(deployment)
    }

    /// Why replicas are missing, as the backend knows it (the scheduler's message, or a replica's
    /// last termination reason such as `OOMKilled, exit code 137`); nil if unknown.
    static func reason(_ deployment: DeploymentStatus?) -> String? {
        if let shortage = deployment?.unschedulable { return shortage }
        guard let failing = deployment?.replicas.first(where: { $0.state != .ready && $0.lastError != nil }),
            let error = failing.lastError
        else { return nil }
        return "Replica \(failing.id): \(error)"
    }
}
