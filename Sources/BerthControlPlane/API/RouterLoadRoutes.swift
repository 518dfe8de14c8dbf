import BerthAuth
import BerthCore
import BerthStore
import Hummingbird

/// `POST /api/v1/routers/load`: routers that run outside this process (the in-cluster routers of
/// an attached Kubernetes cluster) report their load here several times a second, so the
/// autoscaler sizes services on all the traffic, not only the in-process router's.
/// `GET /api/v1/routers/load` lists the routers whose reports count now, as `compute/router`.
///
/// Authenticated with the admin token, or with the feed token of the cluster the report names in
/// `compute` (what a router Pod holds), compared in constant time. Either way a report speaks for
/// the one compute target it names: every service in it must be placed there, or nothing of it is
/// kept (`RouterLoadReport.checkPlacement(in:)`).
struct RouterLoadRoutes<Context: RequestContext> {
    let loads: RouterLoads
    let store: any MetadataStore
    let adminToken: String
    /// Checks a cluster's feed token, as the route feed does.
    let feedAuthorization: RouteFeedRoutes<Context>

    func add(to router: Router<Context>) {
        router.post("/api/v1/routers/load") { request, _ in
            let report = try await JSONBody.decode(RouterLoadReport.self, from: request, what: "load report")
            if !presentsAdminToken(request) {
                guard !report.compute.isEmpty else {
                    throw BerthError(
                        .unauthorized,
                        "A load report needs the admin token, or 'compute' naming the attached cluster and that cluster's feed token."
                    )
                }
                try await feedAuthorization.authorize(request, compute: report.compute)
            }
            // Everything is checked before anything is kept: a refused report changes no scaling state.
            try report.validate()
            try await report.checkPlacement(in: store)
            try loads.record(report)
            return Response(status: .noContent)
        }
        router.get("/api/v1/routers/load") { request, _ in
            guard presentsAdminToken(request) else {
                throw BerthError(
                    .unauthorized, "Listing the reporting routers needs the admin token ($BERTH_HOME/admin-token).")
            }
            return try JSONBody.response(["routers": loads.remoteRouters()])
        }
    }

    private func presentsAdminToken(_ request: Request) -> Bool {
        guard let presented = request.bearerToken else { return false }
        return ConstantTime.equals(presented, adminToken)
    }
}
