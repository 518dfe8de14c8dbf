/// What one router carries, as it tells the control plane several times a second: DESIGN.md's
/// "routers report load; the control plane's autoscaler decides", so several routers (the
/// in-cluster ones on Kubernetes) never fight over replica counts.
///
/// Body of `POST /api/v1/routers/load`. Only what the autoscaler uses travels: per service, the
/// requests in flight on its replicas and those waiting in the router's admission queue.
///
/// A report speaks for one attached cluster (`compute`) only: the control plane keeps it under
/// (compute, router) and refuses it whole when it names a service placed elsewhere, so one
/// cluster's router can neither replace another cluster's report nor scale its services.
public struct RouterLoadReport: Codable, Sendable, Hashable {
    /// The reporting router's stable id (a Pod name on Kubernetes); a newer report from the same
    /// router of the same cluster replaces its older one.
    public var router: String
    /// The attached cluster (compute target) the router serves; every service the report names
    /// runs there. With it, the report may be signed with that cluster's feed token instead of the
    /// admin token.
    public var compute: String
    /// Load per service name; services without traffic may be left out.
    public var services: [String: ServiceDemand]

    /// Longest accepted router id (a Kubernetes object name's limit).
    public static let maxRouterIDLength = 253
    /// Most services one report may carry.
    public static let maxServices = 10_000
    /// Most requests in flight, and most queued, one report may carry for one service.
    ///
    /// Far above what a router holds (its admission queue is bounded far below it), and low enough
    /// that the sum over every router the control plane keeps stays far from `Int`'s limits.
    public static let maxRequests = 1_000_000

    public init(router: String, compute: String, services: [String: ServiceDemand]) {
        self.router = router
        self.compute = compute
        self.services = services
    }

    private enum CodingKeys: String, CodingKey {
        case router, compute, services
    }

    /// Decodes a report; a missing `compute` decodes as empty, so that the answer is the one that
    /// says how to name it (401 without the admin token, else `validate()`'s 400).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        router = try container.decode(String.self, forKey: .router)
        compute = try container.decodeIfPresent(String.self, forKey: .compute) ?? ""
        services = try container.decode([String: ServiceDemand].self, forKey: .services)
    }

    /// Refuses a report the autoscaler could be misled by, naming the field and the fix. It does
    /// not read the store: whether the services run on `compute` is the control plane's check.
    ///
    /// - Throws: `BerthError` with code `badRequest` (HTTP 400).
    public func validate() throws(BerthError) {
        guard Self.isValidRouterID(router) else {
            throw BerthError.badRequest(
                "'router' \(Self.quoted(router)) is not a router id. Send the router's Pod name: 1–\(Self.maxRouterIDLength) "
                    + "lowercase letters, digits, '-' or '.', starting and ending with a letter or digit.")
        }
        guard NameKind.computeTarget.isValid(compute) else {
            throw BerthError.badRequest(
                "'compute' \(Self.quoted(compute)) does not name a compute target. Send the name of the attached "
                    + "cluster the router serves (the router's --compute): 3–24 letters, digits or '-', starting with a letter."
            )
        }
        guard services.count <= Self.maxServices else {
            throw BerthError.badRequest(
                "'services' has \(services.count) entries; a report carries at most \(Self.maxServices). "
                    + "Leave out the services without traffic.")
        }
        for (name, demand) in services.sorted(by: { $0.key < $1.key }) {
            guard NameKind.isValidDeploymentName(name) else {
                throw BerthError.badRequest(
                    "'services' names \(Self.quoted(name)), which is not a service name. Report the services of "
                        + "the route table the router follows, by name.")
            }
            for (field, value) in [("inFlight", demand.inFlight), ("queued", demand.queued)]
            where !(0...Self.maxRequests).contains(value) {
                throw BerthError.badRequest(
                    "'services.\(name)': '\(field)' must be from 0 to \(Self.maxRequests) (got \(value)). "
                        + "Report the requests this router holds for the service now.")
            }
        }
    }

    /// `text` in single quotes, cut short when long: messages echo what was sent, not all of it.
    private static func quoted(_ text: String) -> String {
        text.count <= 64 ? "'\(text)'" : "'\(text.prefix(64))…'"
    }
}
