import BerthCore

/// One client connection's copy of the route table, so a request finds its service's route
/// without taking admission's lock: the copy is an immutable dictionary (shared, not duplicated,
/// between connections) and is taken again only after `Admission` applied a newer table, which a
/// lock-free read of its route version tells. The services' metric handles are copied the same
/// way from `RouterMetrics`.
struct RouteCache {
    private var version: UInt64?
    private var routes: [String: ServiceRoute] = [:]
    private var metersVersion: UInt64?
    private var meters: [String: ServiceMeters] = [:]
    /// The meters last looked up: a keep-alive connection usually asks for one service again and
    /// again, and comparing a short name costs less than hashing it.
    private var lastMeters: ServiceMeters?

    /// The route of service `name` in the table in use, or nil when it has no such service.
    mutating func route<C: Clock>(named name: String, in admission: Admission<C>) -> ServiceRoute? {
        if version != admission.currentRouteVersion { (version, routes) = admission.routes() }
        return routes[name]
    }

    /// The metric handles of service `name`, or `metrics.unrouted` when the table has no such
    /// service; nil when the router keeps no metrics.
    mutating func meters(named name: String, in metrics: RouterMetrics?) -> ServiceMeters? {
        guard let metrics else { return nil }
        if metersVersion != metrics.currentVersion {
            (metersVersion, meters) = metrics.services()
            lastMeters = nil
        }
        if let lastMeters, lastMeters.service == name { return lastMeters }
        let found = meters[name]
        lastMeters = found
        return found ?? metrics.unrouted
    }
}
