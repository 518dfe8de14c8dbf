import BerthCore

/// One service's autoscaling rules, as the decision needs them: the seed's `autoScaler` fields,
/// the replica capacity (`maxConcurrentRequestsPerContainer`) and the scale-down stabilisation.
public struct AutoscaleSettings: Sendable, Hashable {
    public var minReplicas: Int
    public var maxReplicas: Int
    /// `targetUtilization` as a fraction (70 % → 0.7).
    public var targetUtilization: Double
    /// `refreshPeriodInSeconds`: one decision per period.
    public var refreshPeriod: Duration
    /// Requests one replica serves at once.
    public var maxConcurrentRequestsPerContainer: Int
    /// How long a lower need must hold before a replica is removed (the seed's "about a minute").
    public var scaleDownStabilization: Duration

    public init(
        minReplicas: Int = 1, maxReplicas: Int = 10, targetUtilization: Double = 0.7,
        refreshPeriod: Duration = .seconds(1), maxConcurrentRequestsPerContainer: Int = 1,
        scaleDownStabilization: Duration = .seconds(60)
    ) {
        self.minReplicas = max(0, minReplicas)
        self.maxReplicas = max(self.minReplicas, maxReplicas)
        self.targetUtilization = min(1, max(0.01, targetUtilization))
        self.refreshPeriod = refreshPeriod > .zero ? refreshPeriod : .seconds(1)
        self.maxConcurrentRequestsPerContainer = max(1, maxConcurrentRequestsPerContainer)
        self.scaleDownStabilization = scaleDownStabilization
    }

    /// The settings of a deployment config, or nil when it does not autoscale (`numReplicas` set
    /// or `autoscaleEnabled` false).
    public init?(_ config: DeploymentConfig, scaleDownStabilization: Duration = .seconds(60)) {
        guard config.autoScaler.autoscaleEnabled, config.numReplicas == nil else { return nil }
        let scaler = config.autoScaler
        self.init(
            minReplicas: max(1, scaler.minReplicas), maxReplicas: scaler.maxReplicas,
            targetUtilization: Double(scaler.targetUtilization) / 100,
            refreshPeriod: .seconds(max(1, scaler.refreshPeriodInSeconds)),
            maxConcurrentRequestsPerContainer: config.maxConcurrentRequestsPerContainer,
            scaleDownStabilization: scaleDownStabilization)
    }

    /// The replicas `inFlight` requests need so that each replica runs at the target utilization:
    /// `ceil(inFlight ÷ (maxConcurrent × target))`, before the min/max bounds; held at `Int.max`
    /// for a load beyond any count, 0 for none (or not a number).
    public func replicasNeeded(forInFlight inFlight: Double) -> Int {
        guard inFlight > 0 else { return 0 }
        let exact = inFlight / (Double(maxConcurrentRequestsPerContainer) * targetUtilization)
        // A hair of tolerance so that 1.4 in flight at 70 % is 2 replicas, not 3 from rounding.
        return Int(saturatingCeilingOf: exact - 1e-9)
    }

    /// `need` within `[minReplicas, maxReplicas]`.
    public func bounded(_ need: Int) -> Int {
        min(maxReplicas, max(minReplicas, need))
    }
}
