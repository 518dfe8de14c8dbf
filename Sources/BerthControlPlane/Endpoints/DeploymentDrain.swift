import BerthCore

/// Waits, after deployments left an endpoint's split, until no router has a request in flight or
/// queued on them, so stopping their replicas cuts no request.
///
/// It reads the same load reports as the autoscaler (`RouterLoads`: the in-process router's and
/// those of routers elsewhere). It waits at least `minimum` — routers that follow the feed over
/// HTTP need a moment to take the new table, and their reports a moment to say so — and at most
/// the longest a request on these deployments may last (their `maxQueueWaitMs` plus
/// `scoringTimeoutMs`), after which the router would have answered 504 anyway.
struct DeploymentDrain: Sendable {
    let loads: RouterLoads
    var minimum: Duration = .milliseconds(500)
    var pollInterval: Duration = .milliseconds(50)

    /// Returns once `deployments` carry nothing, or `limit` after the start.
    func wait(for deployments: [String], atMost limit: Duration) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try await Task.sleep(for: min(minimum, limit))
        while clock.now < start.advanced(by: limit) {
            let demand = loads.demand()
            if deployments.allSatisfy({ (demand[$0]?.total ?? 0) == 0 }) { return }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// The longest a request on `services` may still take: queue wait plus scoring timeout.
    static func limit(for services: [Webservice]) -> Duration {
        let longest = services.map { $0.deploymentConfig.maxQueueWaitMs + $0.deploymentConfig.scoringTimeoutMs }.max() ?? 0
        return .milliseconds(longest)
    }
}
