import BerthCore
import Synchronization

/// Where the autoscaler reads load: the in-process router's (sampled directly) plus the reports
/// of routers running elsewhere (`POST /api/v1/routers/load`), summed per service.
final class RouterLoads: Sendable {
    /// Reports older than this no longer count: ten times the rate a router reports at (every
    /// 100 ms), so a few lost reports change nothing but a router that is gone stops counting soon.
    static let staleAfter: Duration = .seconds(3)

    private let local: @Sendable () -> RouterLoad
    private let clock = ContinuousClock()
    private let remote: Mutex<RemoteRouterLoads<ContinuousClock.Instant>>

    init(local: @escaping @Sendable () -> RouterLoad, staleAfter: Duration = RouterLoads.staleAfter) {
        self.local = local
        remote = Mutex(RemoteRouterLoads(staleAfter: staleAfter))
    }

    /// Keeps a remote router's report. The caller has checked that its services run on its
    /// compute target (`RouterLoadReport.checkPlacement(in:)`).
    /// - Throws: 400 for a malformed report, 503 when too many routers report already.
    func record(_ report: RouterLoadReport) throws {
        try report.validate()
        let now = clock.now
        let retry = "Remove routers that are gone, or retry once their reports expire (\(Self.staleAfter))."
        switch remote.withLock({ $0.record(report, at: now) }) {
        case .kept:
            return
        case .tooManyRouters:
            throw BerthError(
                .unavailable,
                "Too many routers report load to this control plane; reports from router '\(report.router)' are not kept. \(retry)"
            )
        case .tooManyRoutersOnCompute:
            throw BerthError(
                .unavailable,
                "Too many routers of compute target '\(report.compute)' report load; reports from router '\(report.router)' are not kept. \(retry)"
            )
        }
    }

    /// Every service's load now: the in-process router's plus the fresh remote reports.
    func demand() -> [String: ServiceDemand] {
        let now = clock.now
        return remote.withLock { $0.demand(at: now) }.merging(local().demand, uniquingKeysWith: +)
    }

    /// The remote routers whose reports count now, as `compute/router`, for the service view.
    func remoteRouters() -> [String] {
        let now = clock.now
        return remote.withLock { $0.routers(at: now) }.map(\.description)
    }
}
