/// What one router carries, as it tells the control plane several times a second: DESIGN.md's
/// "routers report load; the control plane's autoscaler decides", so several routers (the
/// in-cluster ones on Kubernetes) never fight over replica counts.
///
/// Body of `POST /api/v1/routers/load`. Only what the autoscaler uses travels: per service, the
/// requests in flight on its replicas and those waiting in the router's admission queue.
public struct RouterLoadReport: Codable, Sendable, Hashable {
    /// The reporting router's stable id (a Pod name on Kubernetes); a newer report from the same
    /// router replaces its older one.
    public var router: String
    /// The attached cluster the router serves; with it, the report may be signed with that
    /// cluster's feed token instead of the admin token.
    public var compute: String?
    /// Load per service name; services without traffic may be left out.
    public var services: [String: ServiceDemand]

    /// Longest accepted router id (a Kubernetes object name's limit).
    public static let maxRouterIDLength = 253
    /// Most services one report may carry.
    public static let maxServices = 10_000

    public init(router: String, compute: String? = nil, services: [String: ServiceDemand]) {
        self.router = router
        self.compute = compute
        self.services = services
    }

    /// Refuses a report the autoscaler could be misled by, naming the field and the fix.
    public func validate() throws {
        guard !router.isEmpty, router.count <= Self.maxRouterIDLength else {
            throw BerthError.badRequest(
                "'router' must be the reporting router's id, 1–\(Self.maxRouterIDLength) characters (e.g. its Pod name).")
        }
        guard services.count <= Self.maxServices else {
            throw BerthError.badRequest(
                "'services' has \(services.count) entries; a report carries at most \(Self.maxServices).")
        }
        for (name, demand) in services where demand.inFlight < 0 || demand.queued < 0 {
            throw BerthError.badRequest(
                "'services.\(name)': 'inFlight' and 'queued' must be 0 or more (got \(demand.inFlight) and \(demand.queued)).")
        }
    }
}
