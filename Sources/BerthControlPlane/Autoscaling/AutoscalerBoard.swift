import BerthAutoscaling
import BerthCore
import Synchronization

/// The autoscaler's latest view of each service, for `GET /api/v1/services/<name>`: written once
/// per decision by the autoscaler, read by API requests. Not stored: it is rebuilt within one
/// refresh period after a restart, while the events that explain past changes are in the store.
final class AutoscalerBoard: Sendable {
    struct Entry: Sendable, Hashable {
        var decision: ScalingDecision
        var readyReplicas: Int
    }

    private let entries = Mutex<[String: Entry]>([:])

    func record(_ decision: ScalingDecision, readyReplicas: Int, forService name: String) {
        entries.withLock { $0[name] = Entry(decision: decision, readyReplicas: readyReplicas) }
    }

    func forget(servicesOtherThan names: Set<String>) {
        entries.withLock { entries in entries = entries.filter { names.contains($0.key) } }
    }

    func entry(forService name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    /// The `autoscaler` object of a service's API answer.
    func status(of service: Webservice, events: [ScalingEvent]) -> AutoscalerStatus {
        let config = service.deploymentConfig
        let enabled = AutoscaleSettings(config) != nil
        let entry = enabled ? entry(forService: service.name) : nil
        return AutoscalerStatus(
            enabled: enabled,
            minReplicas: config.numReplicas ?? config.autoScaler.minReplicas,
            maxReplicas: config.numReplicas ?? config.autoScaler.maxReplicas,
            targetUtilization: config.autoScaler.targetUtilization,
            currentReplicas: service.readyReplicas, desiredReplicas: service.desiredReplicas,
            utilization: entry?.decision.utilization.map { ($0 * 1000).rounded() / 10 },
            averageInFlight: entry.map { ($0.decision.averageInFlight * 100).rounded() / 100 },
            limitedBy: entry?.decision.capacityShortfall, lastDecision: entry?.decision.reason, events: events)
    }
}
