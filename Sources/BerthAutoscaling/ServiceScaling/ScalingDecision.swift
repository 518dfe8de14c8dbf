import BerthCore

/// What the autoscaler decided for one service at one refresh, and why, for the service's events.
public struct ScalingDecision: Sendable, Hashable {
    public enum Change: String, Sendable, Hashable, Codable {
        case none
        case up
        case down
    }

    /// The replicas the service should run from now on.
    public var desiredReplicas: Int
    /// Relative to the replicas asked for before this decision.
    public var change: Change
    /// A sentence a user reads in `berth service show`: the numbers behind the decision.
    public var reason: String
    /// In flight ÷ (ready replicas × maxConcurrent), as a fraction; nil with no ready replica.
    public var utilization: Double?
    /// The smoothed requests in flight the decision used.
    public var averageInFlight: Double
    /// Set when the cluster's free capacity kept the service below what its load needs.
    public var capacityShortfall: String?

    public init(
        desiredReplicas: Int, change: Change, reason: String, utilization: Double?, averageInFlight: Double,
        capacityShortfall: String? = nil
    ) {
        self.desiredReplicas = desiredReplicas
        self.change = change
        self.reason = reason
        self.utilization = utilization
        self.averageInFlight = averageInFlight
        self.capacityShortfall = capacityShortfall
    }
}

/// What the autoscaler observes of one service at a refresh.
public struct ScalingObservation: Sendable, Hashable {
    /// The smoothed requests in flight (queued at the router included), see `InFlightAverage`.
    public var averageInFlight: Double
    /// Replicas that answer `/ready` now.
    public var readyReplicas: Int
    /// The replicas asked for before this decision.
    public var desiredReplicas: Int
    /// The most replicas of this service the cluster can hold now (given everything else on it),
    /// with the numbers behind it; nil when the backend sets no such limit.
    public var capacity: ReplicaCapacity?

    public init(averageInFlight: Double, readyReplicas: Int, desiredReplicas: Int, capacity: ReplicaCapacity? = nil) {
        self.averageInFlight = averageInFlight
        self.readyReplicas = readyReplicas
        self.desiredReplicas = desiredReplicas
        self.capacity = capacity
    }
}
