import BerthCore

/// The latest load report of every router outside this process (the in-cluster routers of
/// attached Kubernetes clusters), summed per service for the autoscaler.
///
/// A pure value, kept behind a `Mutex` by `RouterLoads`. A router's newer report replaces its
/// older one; a report older than `staleAfter` no longer counts, so a router that stopped reporting
/// (its Pod is gone, the network is cut) does not hold replicas up: its load decays to nothing and
/// the autoscaler's scale-down window takes over from there.
struct RemoteRouterLoads<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration, Instant: Sendable {
    /// How long a report counts without a newer one.
    let staleAfter: Duration
    /// Most routers tracked at once; bounds memory against a flood of made-up router ids.
    let maxRouters: Int
    private var latest: [String: (report: RouterLoadReport, at: Instant)] = [:]

    init(staleAfter: Duration, maxRouters: Int = 1024) {
        self.staleAfter = staleAfter
        self.maxRouters = maxRouters
    }

    /// Keeps `report` as its router's latest. Returns false, keeping nothing, when `maxRouters`
    /// other routers are reporting already.
    mutating func record(_ report: RouterLoadReport, at now: Instant) -> Bool {
        if latest[report.router] == nil, latest.count >= maxRouters {
            prune(at: now)
            guard latest.count < maxRouters else { return false }
        }
        latest[report.router] = (report, now)
        return true
    }

    /// Every service's load over the routers whose report is still fresh at `now`.
    mutating func demand(at now: Instant) -> [String: ServiceDemand] {
        prune(at: now)
        var total: [String: ServiceDemand] = [:]
        for (report, _) in latest.values { total.merge(report.services, uniquingKeysWith: +) }
        return total
    }

    /// The routers whose report counts at `now`.
    mutating func routers(at now: Instant) -> [String] {
        prune(at: now)
        return latest.keys.sorted()
    }

    private mutating func prune(at now: Instant) {
        latest = latest.filter { now < $0.value.at.advanced(by: staleAfter) }
    }
}
