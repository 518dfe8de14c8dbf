import BerthCore

extension Router {
    /// Per-version requests, 5xx answers and latency percentiles of every endpoint over the last
    /// `window` (at most 300 s), for the control plane to show side by side (`berth endpoint show`).
    ///
    /// Unfinished: the control plane reads this from the router in its own process (the
    /// all-in-one server); routers running apart (Kubernetes) do not report it yet, and numbers of
    /// several routers are not summed.
    public func endpointMetrics(window: Duration = .seconds(60)) -> [String: [EndpointVersionMetrics]] {
        rollout.metrics.report(window: window, endpoints: rollout.endpoints.versionNames())
    }
}
