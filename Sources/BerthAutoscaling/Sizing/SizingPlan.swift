import BerthCore

/// The seed's sizing rule, `replicas = ceil(targetRps × requestSeconds ÷ targetUtilization ÷
/// maxConcurrent)`, behind `berth autoscale plan`: how many replicas a load needs, to choose
/// `maxReplicas`.
public struct SizingPlan: Sendable, Hashable {
    public var requestsPerSecond: Double
    public var requestSeconds: Double
    public var targetUtilization: Double
    public var maxConcurrentRequestsPerContainer: Int

    public init(
        requestsPerSecond: Double, requestSeconds: Double, targetUtilization: Double = 0.7,
        maxConcurrentRequestsPerContainer: Int = 1
    ) {
        self.requestsPerSecond = requestsPerSecond
        self.requestSeconds = requestSeconds
        self.targetUtilization = targetUtilization
        self.maxConcurrentRequestsPerContainer = maxConcurrentRequestsPerContainer
    }

    /// Requests in flight at that rate: Little's law, rate × time in the system.
    public var concurrentRequests: Double { requestsPerSecond * requestSeconds }

    /// The replicas the rule gives (at least 1; at most `Int.max`, for a load beyond any count).
    public var replicas: Int {
        let exact = concurrentRequests / targetUtilization / Double(max(1, maxConcurrentRequestsPerContainer))
        return max(1, Int(saturatingCeilingOf: exact - 1e-9))
    }
}
