import BerthCore
import Foundation

@testable import BerthControlPlane

/// `fuzz-load-report`: arbitrary bytes as the body of `POST /api/v1/routers/load`, which routers
/// outside the control plane's process send: decoded as the route decodes it (`BerthJSON`),
/// validated (`RouterLoadReport.validate()`), and a report that passes is kept and summed as the
/// autoscaler reads it (`RemoteRouterLoads`), as if three routers of its cluster had sent it.
///
/// Checked besides crashes: the sums are never negative and never below one router's share.
public enum LoadReportFuzzing {
    public static func test(_ input: FuzzInput) {
        guard let report = try? BerthJSON.decode(RouterLoadReport.self, from: Data(input.rest), what: "load report"),
            (try? report.validate()) != nil
        else { return }
        let now = ContinuousClock.now
        var loads = RemoteRouterLoads<ContinuousClock.Instant>(
            staleAfter: .seconds(10), maxRouters: 2, maxRoutersPerCompute: 2)
        for suffix in ["", "-b", "-c"] {
            var copy = report
            copy.router = RouterLoadReport.routerID(from: report.router + suffix)
            _ = loads.record(copy, at: now)
        }
        let demand = loads.demand(at: now)
        for (name, one) in report.services {
            guard let total = demand[name] else { fatalError("service '\(name)' lost from the sums") }
            expect(total.inFlight >= one.inFlight && total.queued >= one.queued, "a sum shrank")
            expect(total.total >= 0, "a negative load")
        }
        expect(loads.routers(at: now).count <= 2, "more routers kept than allowed")
    }
}
