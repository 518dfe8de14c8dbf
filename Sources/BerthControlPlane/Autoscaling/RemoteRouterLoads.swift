import BerthCore

/// The latest load report of every router outside this process (the in-cluster routers of
/// attached Kubernetes clusters), summed per service for the autoscaler.
///
/// A pure value, kept behind a `Mutex` by `RouterLoads`. A router's newer report replaces its
/// older one; a report older than `staleAfter` no longer counts, so a router that stopped reporting
/// (its Pod is gone, the network is cut) does not hold replicas up: its load decays to nothing and
/// the autoscaler's scale-down window takes over from there.
///
/// Routers are kept per cluster (`ReportingRouter`), and bounded per cluster as well as in all, so
/// one cluster's routers (or whoever holds its feed token) cannot crowd out another cluster's.
/// Sums saturate (`ServiceDemand.+`), whatever the reports say.
struct RemoteRouterLoads<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// What became of a report.
    enum Outcome: Sendable, Hashable {
        /// Kept as its router's latest.
        case kept
        /// Not kept: `maxRouters` other routers report already.
        case tooManyRouters
        /// Not kept: `maxRoutersPerCompute` other routers of the report's cluster report already.
        case tooManyRoutersOnCompute
    }

    /// How long a report counts without a newer one.
    let staleAfter: Duration
    /// Most routers tracked at once; bounds memory against a flood of made-up router ids.
    let maxRouters: Int
    /// Most routers of one cluster tracked at once.
    let maxRoutersPerCompute: Int
    private var latest: [ReportingRouter: (report: RouterLoadReport, at: Instant)] = [:]

    init(staleAfter: Duration, maxRouters: Int = 1024, maxRoutersPerCompute: Int = 256) {
        self.staleAfter = staleAfter
        self.maxRouters = maxRouters
        self.maxRoutersPerCompute = maxRoutersPerCompute
    }

    /// Keeps `report` as its router's latest, unless its router is new and a bound is reached.
    mutating func record(_ report: RouterLoadReport, at now: Instant) -> Outcome {
        let key = ReportingRouter(report)
        if latest[key] == nil {
            if latest.count >= maxRouters || routerCount(onCompute: key.compute) >= maxRoutersPerCompute {
                prune(at: now)
            }
            guard latest.count < maxRouters else { return .tooManyRouters }
            guard routerCount(onCompute: key.compute) < maxRoutersPerCompute else { return .tooManyRoutersOnCompute }
        }
        latest[key] = (report, now)
        return .kept
    }

    /// Every service's load over the routers whose report is still fresh at `now`.
    mutating func demand(at now: Instant) -> [String: ServiceDemand] {
        prune(at: now)
        var total: [String: ServiceDemand] = [:]
        for (report, _) in latest.values { total.merge(report.services, uniquingKeysWith: +) }
        return total
    }

    /// The routers whose report counts at `now`, in order.
    mutating func routers(at now: Instant) -> [ReportingRouter] {
        prune(at: now)
        return latest.keys.sorted()
    }

    private func routerCount(onCompute compute: String) -> Int {
        latest.keys.count(where: { $0.compute == compute })
    }

    private mutating func prune(at now: Instant) {
        latest = latest.filter { now < $0.value.at.advanced(by: staleAfter) }
    }
}
