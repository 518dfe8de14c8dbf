import BerthCore
import Hummingbird

/// `POST /api/v1/routers/load`: routers that run outside this process (the in-cluster routers of
/// an attached Kubernetes cluster) report their load here several times a second, so the
/// autoscaler sizes services on all the traffic, not only the in-process router's.
/// `GET /api/v1/routers/load` lists the routers whose reports count now.
struct RouterLoadRoutes<Context: RequestContext> {
    let loads: RouterLoads

    func add(to router: Router<Context>) {
        router.post("/api/v1/routers/load") { request, _ in
            let report = try await JSONBody.decode(RouterLoadReport.self, from: request, what: "load report")
            try loads.record(report)
            return Response(status: .noContent)
        }
        router.get("/api/v1/routers/load") { _, _ in
            try JSONBody.response(["routers": loads.remoteRouters()])
        }
    }
}
