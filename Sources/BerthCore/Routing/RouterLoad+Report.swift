extension RouterLoad {
    /// This router's load as it reports it to the control plane (`POST /api/v1/routers/load`),
    /// under the id `router`, for the cluster `compute`. Services with nothing in flight or queued
    /// are left out; numbers are held at `RouterLoadReport.maxRequests`, so the report is always
    /// one the control plane accepts.
    public func report(asRouter router: String, compute: String) -> RouterLoadReport {
        let limit = RouterLoadReport.maxRequests
        return RouterLoadReport(
            router: router, compute: compute,
            services: demand.filter { $0.value.total > 0 }.mapValues {
                ServiceDemand(inFlight: min($0.inFlight, limit), queued: min($0.queued, limit))
            })
    }

    /// Every service's load, queued requests included, as the autoscaler reads it.
    public var demand: [String: ServiceDemand] {
        services.mapValues { ServiceDemand(inFlight: $0.inFlight, queued: $0.queued) }
    }
}
