import Foundation

/// One thing the autoscaler did or could not do for a service, kept in the store so that
/// `berth service show` explains the replica count after the fact (and after a restart).
public struct ScalingEvent: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        case scaleUp = "ScaleUp"
        case scaleDown = "ScaleDown"
        /// The load needed more replicas than the cluster's free capacity holds.
        case capacityLimited = "CapacityLimited"
    }

    public var time: Date
    public var kind: Kind
    public var fromReplicas: Int
    public var toReplicas: Int
    /// The numbers behind the decision, in a sentence.
    public var reason: String

    public init(time: Date, kind: Kind, fromReplicas: Int, toReplicas: Int, reason: String) {
        self.time = time
        self.kind = kind
        self.fromReplicas = fromReplicas
        self.toReplicas = toReplicas
        self.reason = reason
    }
}

/// A service's autoscaling as the API shows it (`autoscaler` in `GET /api/v1/services/<name>`):
/// the rules, what the autoscaler sees now, and its last events.
public struct AutoscalerStatus: Codable, Sendable, Hashable {
    /// False with `numReplicas` set or `autoscaleEnabled` false: the count is fixed.
    public var enabled: Bool
    public var minReplicas: Int
    public var maxReplicas: Int
    /// Percent, as in the deployment config.
    public var targetUtilization: Int
    /// Replicas ready now.
    public var currentReplicas: Int
    /// Replicas asked for.
    public var desiredReplicas: Int
    /// In flight ÷ (ready replicas × maxConcurrent), in percent, over the last refresh period;
    /// nil before the first observation or with no ready replica.
    public var utilization: Double?
    /// The smoothed requests in flight (queued at the router included) behind `utilization`.
    public var averageInFlight: Double?
    /// Set while the cluster's free capacity keeps the service below what its load needs.
    public var limitedBy: String?
    /// The reason of the last decision, also when it changed nothing.
    public var lastDecision: String?
    /// Newest first.
    public var events: [ScalingEvent]

    public init(
        enabled: Bool, minReplicas: Int, maxReplicas: Int, targetUtilization: Int, currentReplicas: Int,
        desiredReplicas: Int, utilization: Double? = nil, averageInFlight: Double? = nil, limitedBy: String? = nil,
        lastDecision: String? = nil, events: [ScalingEvent] = []
    ) {
        self.enabled = enabled
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetUtilization = targetUtilization
        self.currentReplicas = currentReplicas
        self.desiredReplicas = desiredReplicas
        self.utilization = utilization
        self.averageInFlight = averageInFlight
        self.limitedBy = limitedBy
        self.lastDecision = lastDecision
        self.events = events
    }
}

/// How many replicas of one deployment fit its cluster now, and the numbers behind that.
public struct ReplicaCapacity: Sendable, Hashable {
    public var maxReplicas: Int
    /// E.g. "each replica needs 0.5 CPU and 0.5 GB; cluster 'local' has 1.5 CPU and 3 GB for this service".
    public var explanation: String

    public init(maxReplicas: Int, explanation: String) {
        self.maxReplicas = maxReplicas
        self.explanation = explanation
    }
}
