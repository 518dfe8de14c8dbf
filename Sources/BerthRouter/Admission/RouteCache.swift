import BerthCore

/// One client connection's copy of the route table, so a request finds its service's route
/// without taking admission's lock: the copy is an immutable dictionary (shared, not duplicated,
/// between connections) and is taken again only after `Admission` applied a newer table, which a
/// lock-free read of its route version tells.
struct RouteCache {
    private var version: UInt64?
    private var routes: [String: ServiceRoute] = [:]

    /// The route of service `name` in the table in use, or nil when it has no such service.
    mutating func route<C: Clock>(named name: String, in admission: Admission<C>) -> ServiceRoute? {
        if version != admission.currentRouteVersion { (version, routes) = admission.routes() }
        return routes[name]
    }
}
