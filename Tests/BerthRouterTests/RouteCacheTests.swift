import BerthCore
import Testing

@testable import BerthRouter

/// A connection's `RouteCache` reads routes without admission's lock and follows every table
/// admission applies, and only those.
struct RouteCacheTests {
    private static func table(_ generation: UInt64, _ services: [String: [String]]) -> RouteTable {
        RouteTable(
            generation: generation,
            services: services.mapValues { ids in
                ServiceRoute(
                    name: "svc", authEnabled: false, maxQueueWaitMs: 0, maxConcurrentRequestsPerContainer: 1,
                    replicas: ids.enumerated().map { ReplicaEndpoint(id: $1, port: 5000 + $0) })
            })
    }

    @Test func aCachedRouteFollowsTheTablesAdmissionApplies() {
        let admission = Admission(policy: .init(), clock: RouterClock())
        var cache = RouteCache()
        #expect(cache.route(named: "svc", in: admission) == nil)

        #expect(admission.update(Self.table(1, ["svc": ["a"]])))
        #expect(cache.route(named: "svc", in: admission)?.replicas.map(\.id) == ["a"])
        #expect(cache.route(named: "other", in: admission) == nil)

        #expect(admission.update(Self.table(2, ["svc": ["b", "c"], "other": ["d"]])))
        #expect(cache.route(named: "svc", in: admission)?.replicas.map(\.id) == ["b", "c"])
        #expect(cache.route(named: "other", in: admission)?.replicas.map(\.id) == ["d"])

        // An older table is not applied, so the version and the cached routes stay.
        let version = admission.currentRouteVersion
        #expect(!admission.update(Self.table(1, ["svc": ["a"]])))
        #expect(admission.currentRouteVersion == version)
        #expect(cache.route(named: "svc", in: admission)?.replicas.map(\.id) == ["b", "c"])

        #expect(admission.update(Self.table(3, [:])))
        #expect(cache.route(named: "svc", in: admission) == nil)
    }
}
