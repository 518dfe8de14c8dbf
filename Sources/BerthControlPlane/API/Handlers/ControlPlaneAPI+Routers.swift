import BerthAPITypes
import BerthAuth
import BerthCore

/// `POST /api/v1/routers/load`: routers that run outside this process (the in-cluster routers of
/// an attached Kubernetes cluster) report their load here several times a second, so the
/// autoscaler sizes services on all the traffic, not only the in-process router's.
/// `GET /api/v1/routers/load` lists the routers whose reports count now, as `compute/router`.
///
/// Authenticated with the admin token, or with the feed token of the cluster the report names in
/// `compute` (what a router Pod holds), compared in constant time. Either way a report speaks for
/// the one compute target it names: every service in it must be placed there, or nothing of it is
/// kept (`RouterLoadReport.checkPlacement(in:)`). Both paths are open in `AdminAuthMiddleware`.
extension ControlPlaneAPI {
    func reportRouterLoad(_ input: Operations.ReportRouterLoad.Input) async throws
        -> Operations.ReportRouterLoad.Output
    {
        let report: RouterLoadReport =
            switch input.body {
            case .json(let json): try json.converted(what: "load report")
            }
        if !presentsAdminToken {
            guard !report.compute.isEmpty else { throw Self.loadReportNeedsCompute }
            try await feedTokens.authorize(presented: APIRequest.bearerToken, compute: report.compute)
        }
        // Everything is checked before anything is kept: a refused report changes no scaling state.
        try report.validate()
        try await report.checkPlacement(in: store)
        try loads.record(report)
        return .noContent(.init())
    }

    func listReportingRouters(_ input: Operations.ListReportingRouters.Input) async throws
        -> Operations.ListReportingRouters.Output
    {
        guard presentsAdminToken else {
            throw BerthError(
                .unauthorized, "Listing the reporting routers needs the admin token ($BERTH_HOME/admin-token).")
        }
        return .ok(.init(body: .json(try ["routers": loads.remoteRouters()].checkedConversion())))
    }

    /// A report without `compute` from a caller without the admin token.
    static var loadReportNeedsCompute: BerthError {
        BerthError(
            .unauthorized,
            "A load report needs the admin token, or 'compute' naming the attached cluster and that cluster's feed token."
        )
    }

    private var presentsAdminToken: Bool {
        guard let presented = APIRequest.bearerToken else { return false }
        return ConstantTime.equals(presented, adminToken)
    }
}
