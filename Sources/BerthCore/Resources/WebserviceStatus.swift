import Foundation

/// What is observed of a service, apart from what was asked for (its spec): written only by the
/// control plane's status observer, so a readiness change never overwrites a spec change made
/// meanwhile (the autoscaler's replica count, an update's settings) and the other way round.
///
/// A service's `state` and `error` are not stored: `Webservice.applying(_:)` derives them from the
/// spec and this status with the one health rule (`ServiceHealth`).
public struct WebserviceStatus: Codable, Sendable, Hashable {
    /// The spec generation the last rollout outcome describes.
    public var observedGeneration: Int
    /// Where the latest rollout (deploy, update, restore) stands.
    public var rollout: RolloutCondition
    /// Replicas of the current revision that answer `/ready`, as last observed.
    public var readyReplicas: Int
    /// Why replicas are missing as the backend last said it (the scheduler's message, a replica's
    /// last termination reason), a sentence; nil when nothing is known.
    public var notReadyReason: String?
    public var scoringUri: String?
    public var swaggerUri: String?
    public var updatedTime: Date

    public init(
        observedGeneration: Int = 0, rollout: RolloutCondition = RolloutCondition(.progressing),
        readyReplicas: Int = 0, notReadyReason: String? = nil, scoringUri: String? = nil, swaggerUri: String? = nil,
        updatedTime: Date = Date()
    ) {
        self.observedGeneration = observedGeneration
        self.rollout = rollout
        self.readyReplicas = readyReplicas
        self.notReadyReason = notReadyReason
        self.scoringUri = scoringUri
        self.swaggerUri = swaggerUri
        self.updatedTime = updatedTime
    }
}

/// How the latest rollout of a service went: the `Progressing` condition, with its reason.
public struct RolloutCondition: Codable, Sendable, Hashable {
    public enum Phase: String, Codable, Sendable, Hashable {
        /// Replicas of a new revision are starting; the service is Transitioning.
        case progressing = "Progressing"
        /// Every replica became ready; health follows readiness from now on.
        case complete = "Complete"
        /// The replicas never became ready (they kept failing): the service is Failed.
        case failed = "Failed"
        /// The replicas do not fit the cluster: the service is Unschedulable.
        case unschedulable = "Unschedulable"
        /// Not every replica was ready in time; health follows readiness, the error stays until then.
        case timedOut = "TimedOut"
        /// An update's new revision never became ready and the previous one kept serving.
        case rolledBack = "RolledBack"
    }

    public var phase: Phase
    /// What the user should know: why it failed, timed out or was rolled back.
    public var error: ErrorDetail?

    public init(_ phase: Phase, error: ErrorDetail? = nil) {
        self.phase = phase
        self.error = error
    }
}

/// The one health rule: a service's state and error from its spec and its observed status.
///
/// Pure, so every path that shows a service (the API, the Azure dialect, the CLI) agrees, and the
/// rule is tested without processes.
public enum ServiceHealth {
    /// The ready replicas a settled service needs to be Healthy: all it asks for, except that an
    /// autoscaled one is Healthy with at least `minReplicas` (replicas the autoscaler just added are
    /// still starting, and that is not a fault).
    public static func enough(for service: Webservice) -> Int {
        let config = service.deploymentConfig
        let autoscaled = config.numReplicas == nil && config.autoScaler.autoscaleEnabled
        return autoscaled
            ? min(service.desiredReplicas, max(1, config.autoScaler.minReplicas)) : service.desiredReplicas
    }

    /// The state and error `service` shows, given its observed `status`.
    public static func state(of service: Webservice, status: WebserviceStatus) -> (WebserviceState, ErrorDetail?) {
        if service.deleting { return (.deleting, nil) }
        let enough = enough(for: service)
        let ready = status.readyReplicas >= enough
        let notReady = ErrorDetail(
            code: "ReplicasNotReady",
            message:
                "\(status.readyReplicas) of \(service.desiredReplicas) replicas are ready (at least \(enough) needed). "
                + "'berth service get-logs -n \(service.name)' shows more."
                + (status.notReadyReason.map { " " + $0 } ?? ""))
        switch status.rollout.phase {
        case .progressing: return (.transitioning, nil)
        case .failed: return (.failed, status.rollout.error)
        case .unschedulable: return (.unschedulable, status.rollout.error)
        case .complete: return ready ? (.healthy, nil) : (.unhealthy, notReady)
        case .timedOut: return ready ? (.healthy, nil) : (.unhealthy, status.rollout.error ?? notReady)
        case .rolledBack: return ready ? (.healthy, status.rollout.error) : (.unhealthy, notReady)
        }
    }
}

extension Webservice {
    /// The service as it is shown: its spec with `status`'s observations and the state and error
    /// the health rule derives from both.
    public func applying(_ status: WebserviceStatus) -> Webservice {
        var shown = self
        (shown.state, shown.error) = ServiceHealth.state(of: self, status: status)
        shown.readyReplicas = status.readyReplicas
        shown.observedGeneration = status.observedGeneration
        shown.scoringUri = status.scoringUri
        shown.swaggerUri = status.swaggerUri
        shown.updatedTime = max(updatedTime, status.updatedTime)
        return shown
    }

    /// The status a service stored before spec and status were kept apart implies: its state read
    /// back as a rollout outcome.
    public var impliedStatus: WebserviceStatus {
        let rollout: RolloutCondition
        switch state {
        case .transitioning, .deleting: rollout = RolloutCondition(.progressing)
        case .healthy: rollout = RolloutCondition(error?.code == "UpdateFailed" ? .rolledBack : .complete, error: error)
        case .unhealthy:
            rollout = RolloutCondition(
                error?.code == "ReplicasNotReady" || error == nil ? .complete : .timedOut, error: error)
        case .failed: rollout = RolloutCondition(.failed, error: error)
        case .unschedulable: rollout = RolloutCondition(.unschedulable, error: error)
        }
        return WebserviceStatus(
            observedGeneration: generation, rollout: rollout, readyReplicas: readyReplicas, scoringUri: scoringUri,
            swaggerUri: swaggerUri, updatedTime: updatedTime)
    }
}
