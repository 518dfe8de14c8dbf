import BerthCore
import BerthTesting
import Testing

@testable import BerthControlPlane

/// The remote routers' load the autoscaler adds to the in-process router's: summed per service,
/// replaced per router, forgotten once stale, bounded in size.
struct RemoteRouterLoadsTests {
    typealias Loads = RemoteRouterLoads<ManualInstant>

    static func report(_ router: String, _ services: [String: (Int, Int)]) -> RouterLoadReport {
        RouterLoadReport(router: router, services: services.mapValues { ServiceDemand(inFlight: $0.0, queued: $0.1) })
    }

    @Test("Reports of different routers add up per service; a router's newer report replaces its older one")
    func sumsAndReplaces() {
        var loads = Loads(staleAfter: .seconds(3))
        let kept1 = loads.record(Self.report("router-a", ["svc": (2, 1), "other": (1, 0)]), at: .s(0))
        #expect(kept1)
        let kept2 = loads.record(Self.report("router-b", ["svc": (3, 0)]), at: .s(0.1))
        #expect(kept2)
        let demand1 = loads.demand(at: .s(0.2))
        #expect(demand1 == ["svc": ServiceDemand(inFlight: 5, queued: 1), "other": ServiceDemand(inFlight: 1, queued: 0)])
        let kept3 = loads.record(Self.report("router-a", ["svc": (0, 0)]), at: .s(0.3))
        #expect(kept3)
        let demand2 = loads.demand(at: .s(0.4))
        #expect(demand2["svc"] == ServiceDemand(inFlight: 3, queued: 0))
        let demand3 = loads.demand(at: .s(0.4))
        #expect(demand3["other"] == nil)
    }

    @Test("A router that stops reporting stops counting after staleAfter, and only then")
    func staleReportsExpire() {
        var loads = Loads(staleAfter: .seconds(3))
        _ = loads.record(Self.report("gone", ["svc": (4, 0)]), at: .s(0))
        _ = loads.record(Self.report("alive", ["svc": (1, 0)]), at: .s(2))
        let demand4 = loads.demand(at: .s(2.9))
        #expect(demand4["svc"]?.inFlight == 5)
        let routers1 = loads.routers(at: .s(2.9))
        #expect(routers1 == ["alive", "gone"])
        let demand5 = loads.demand(at: .s(3))
        #expect(demand5["svc"]?.inFlight == 1)
        let routers2 = loads.routers(at: .s(3))
        #expect(routers2 == ["alive"])
        let demand6 = loads.demand(at: .s(5))
        #expect(demand6.isEmpty)
    }

    @Test("Past maxRouters a new router's report is refused until older ones expire; known routers still report")
    func boundedRouters() {
        var loads = Loads(staleAfter: .seconds(3), maxRouters: 2)
        let kept4 = loads.record(Self.report("a", ["svc": (1, 0)]), at: .s(0))
        #expect(kept4)
        let kept5 = loads.record(Self.report("b", ["svc": (1, 0)]), at: .s(1))
        #expect(kept5)
        let kept6 = loads.record(Self.report("c", ["svc": (9, 0)]), at: .s(2))
        #expect(!kept6)
        let kept7 = loads.record(Self.report("a", ["svc": (2, 0)]), at: .s(2))
        #expect(kept7)
        let demand7 = loads.demand(at: .s(2))
        #expect(demand7["svc"]?.inFlight == 3)
        // b's report expires at 4 s; then c fits.
        let kept8 = loads.record(Self.report("c", ["svc": (9, 0)]), at: .s(4))
        #expect(kept8)
        let demand8 = loads.demand(at: .s(4))
        #expect(demand8["svc"]?.inFlight == 11)
    }

    @Test("A report with a bad router id or negative numbers is refused, naming the field")
    func validation() {
        #expect(throws: BerthError.self) { try Self.report("", ["svc": (1, 0)]).validate() }
        #expect(throws: BerthError.self) {
            try Self.report(String(repeating: "r", count: RouterLoadReport.maxRouterIDLength + 1), [:]).validate()
        }
        let negative = #expect(throws: BerthError.self) { try Self.report("r", ["svc": (-1, 0)]).validate() }
        #expect(negative?.message.contains("'services.svc'") == true)
        #expect(negative?.code == .badRequest)
        #expect((try? Self.report("r", ["svc": (1, 2)]).validate()) != nil)
    }
}
