import BerthCore

/// Who a load report speaks for: a router of one attached cluster. Router ids are the cluster's
/// own (Pod names), so two clusters may both have a router "r1"; keyed by the pair, a report of
/// cluster A's "r1" never replaces cluster B's.
struct ReportingRouter: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The compute target the router serves.
    var compute: String
    /// The router's id within it.
    var router: String

    init(compute: String, router: String) {
        self.compute = compute
        self.router = router
    }

    /// The router that sent `report`.
    init(_ report: RouterLoadReport) {
        self.init(compute: report.compute, router: report.router)
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.compute, lhs.router) < (rhs.compute, rhs.router)
    }

    /// `compute/router`, as `GET /api/v1/routers/load` lists it ('/' is in neither name's alphabet).
    var description: String { "\(compute)/\(router)" }
}
