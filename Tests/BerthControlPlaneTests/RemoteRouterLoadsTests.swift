import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

/// The remote routers' load the autoscaler adds to the in-process router's: summed per service
/// (saturating), replaced per router of a cluster, forgotten once stale, bounded in size in all
/// and per cluster; and the checks a report passes before any of it is kept.
struct RemoteRouterLoadsTests {
    typealias Loads = RemoteRouterLoads<ManualInstant>

    static func report(_ router: String, compute: String = "aks-1", _ services: [String: (Int, Int)])
        -> RouterLoadReport
    {
        RouterLoadReport(
            router: router, compute: compute,
            services: services.mapValues { ServiceDemand(inFlight: $0.0, queued: $0.1) })
    }

    @Test("Reports of different routers add up per service; a router's newer report replaces its older one")
    func sumsAndReplaces() {
        var loads = Loads(staleAfter: .seconds(3))
        let kept1 = loads.record(Self.report("router-a", ["svc": (2, 1), "other": (1, 0)]), at: .s(0))
        #expect(kept1 == .kept)
        let kept2 = loads.record(Self.report("router-b", ["svc": (3, 0)]), at: .s(0.1))
        #expect(kept2 == .kept)
        let demand1 = loads.demand(at: .s(0.2))
        #expect(
            demand1 == ["svc": ServiceDemand(inFlight: 5, queued: 1), "other": ServiceDemand(inFlight: 1, queued: 0)])
        let kept3 = loads.record(Self.report("router-a", ["svc": (0, 0)]), at: .s(0.3))
        #expect(kept3 == .kept)
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
        let routers1 = loads.routers(at: .s(2.9)).map(\.description)
        #expect(routers1 == ["aks-1/alive", "aks-1/gone"])
        let demand5 = loads.demand(at: .s(3))
        #expect(demand5["svc"]?.inFlight == 1)
        let routers2 = loads.routers(at: .s(3)).map(\.description)
        #expect(routers2 == ["aks-1/alive"])
        let demand6 = loads.demand(at: .s(5))
        #expect(demand6.isEmpty)
    }

    @Test("Past maxRouters a new router's report is refused until older ones expire; known routers still report")
    func boundedRouters() {
        var loads = Loads(staleAfter: .seconds(3), maxRouters: 2)
        let kept4 = loads.record(Self.report("a", ["svc": (1, 0)]), at: .s(0))
        #expect(kept4 == .kept)
        let kept5 = loads.record(Self.report("b", ["svc": (1, 0)]), at: .s(1))
        #expect(kept5 == .kept)
        let kept6 = loads.record(Self.report("c", ["svc": (9, 0)]), at: .s(2))
        #expect(kept6 == .tooManyRouters)
        let kept7 = loads.record(Self.report("a", ["svc": (2, 0)]), at: .s(2))
        #expect(kept7 == .kept)
        let demand7 = loads.demand(at: .s(2))
        #expect(demand7["svc"]?.inFlight == 3)
        // b's report expires at 4 s; then c fits.
        let kept8 = loads.record(Self.report("c", ["svc": (9, 0)]), at: .s(4))
        #expect(kept8 == .kept)
        let demand8 = loads.demand(at: .s(4))
        #expect(demand8["svc"]?.inFlight == 11)
    }

    @Test("Routers are kept per cluster: cluster A's 'r1' never replaces cluster B's 'r1'")
    func routersAreScopedByCompute() {
        var loads = Loads(staleAfter: .seconds(3))
        _ = loads.record(Self.report("r1", compute: "aks-a", ["svc-a": (4, 0)]), at: .s(0))
        _ = loads.record(Self.report("r1", compute: "aks-b", ["svc-b": (7, 0)]), at: .s(0.1))
        let both = loads.demand(at: .s(0.2))
        #expect(
            both == ["svc-a": ServiceDemand(inFlight: 4, queued: 0), "svc-b": ServiceDemand(inFlight: 7, queued: 0)])
        let routers = loads.routers(at: .s(0.2)).map(\.description)
        #expect(routers == ["aks-a/r1", "aks-b/r1"])
        // A's next report replaces A's only.
        _ = loads.record(Self.report("r1", compute: "aks-a", [:]), at: .s(0.3))
        let after = loads.demand(at: .s(0.4))
        #expect(after == ["svc-b": ServiceDemand(inFlight: 7, queued: 0)])
    }

    @Test("One cluster's routers cannot take every place: past maxRoutersPerCompute only that cluster is refused")
    func boundedRoutersPerCompute() {
        var loads = Loads(staleAfter: .seconds(3), maxRouters: 10, maxRoutersPerCompute: 2)
        #expect(loads.record(Self.report("a1", compute: "aks-a", [:]), at: .s(0)) == .kept)
        #expect(loads.record(Self.report("a2", compute: "aks-a", [:]), at: .s(0)) == .kept)
        #expect(loads.record(Self.report("a3", compute: "aks-a", [:]), at: .s(0)) == .tooManyRoutersOnCompute)
        #expect(loads.record(Self.report("a1", compute: "aks-a", ["svc": (1, 0)]), at: .s(1)) == .kept)
        #expect(loads.record(Self.report("b1", compute: "aks-b", [:]), at: .s(1)) == .kept)
        // a2's report expires at 3 s; then a3 fits.
        #expect(loads.record(Self.report("a3", compute: "aks-a", [:]), at: .s(3.5)) == .kept)
    }

    @Test("Sums over routers saturate at Int.max instead of trapping or going negative")
    func sumsSaturate() {
        let huge = ServiceDemand(inFlight: .max, queued: .max)
        #expect(huge.total == .max)
        #expect((huge + huge) == huge)
        #expect(ServiceDemand(inFlight: .max - 1, queued: 5).total == .max)
        #expect((ServiceDemand(inFlight: 2, queued: 3) + ServiceDemand(inFlight: 4, queued: 5)).total == 14)
        // The store itself does not validate (RouterLoads does): even unchecked huge reports sum safely.
        var loads = Loads(staleAfter: .seconds(3))
        _ = loads.record(Self.report("r1", ["svc": (.max, .max)]), at: .s(0))
        _ = loads.record(Self.report("r2", ["svc": (.max / 2 + 1, 1)]), at: .s(0))
        _ = loads.record(Self.report("r3", compute: "aks-2", ["svc": (.max, 0)]), at: .s(0))
        let demand = loads.demand(at: .s(1))
        #expect(demand["svc"] == ServiceDemand(inFlight: .max, queued: .max))
        #expect(demand["svc"]?.total == .max)
        #expect(0.saturatingAdding(.min) == .min)
        #expect(Int.min.saturatingAdding(-1) == .min)
    }

    @Test(
        "A report with a bad router id, compute or service name, or numbers out of 0…maxRequests is refused, naming the field"
    )
    func validation() {
        func refusal(_ report: RouterLoadReport) -> BerthError? {
            #expect(throws: BerthError.self) { try report.validate() }
        }
        #expect(refusal(Self.report("", ["svc": (1, 0)]))?.message.contains("'router'") == true)
        #expect(refusal(Self.report(String(repeating: "r", count: RouterLoadReport.maxRouterIDLength + 1), [:])) != nil)
        for bad in ["Router-1", "router_1", "-router", "router.", "r/1", "routér"] {
            #expect(refusal(Self.report(bad, [:]))?.message.contains("'router'") == true, "\(bad)")
        }
        for bad in ["", "x", "9lives", "aks_1", String(repeating: "a", count: 25)] {
            let refused = refusal(Self.report("r", compute: bad, [:]))
            #expect(refused?.message.contains("'compute'") == true, "\(bad)")
            #expect(refused?.code == .badRequest)
        }
        for bad in ["Svc", "svc_1", "s", "svc-", String(repeating: "s", count: 33), "../etc", "shop---blue-"] {
            #expect(refusal(Self.report("r", [bad: (1, 0)]))?.message.contains("not a service name") == true, "\(bad)")
        }
        let negative = refusal(Self.report("r", ["svc": (-1, 0)]))
        #expect(negative?.message.contains("'services.svc'") == true)
        #expect(negative?.code == .badRequest)
        let max = RouterLoadReport.maxRequests
        for (inFlight, queued, field) in [
            (max + 1, 0, "inFlight"), (0, max + 1, "queued"), (Int.max, 0, "inFlight"), (0, Int.max, "queued"),
            (Int.min, 0, "inFlight"),
        ] {
            let refused = refusal(Self.report("r", ["svc": (inFlight, queued)]))
            #expect(refused?.message.contains("'services.svc': '\(field)' must be from 0 to \(max)") == true)
        }
        let tooMany = Dictionary(uniqueKeysWithValues: (0...RouterLoadReport.maxServices).map { ("svc-\($0)", (1, 0)) })
        #expect(refusal(Self.report("r", tooMany))?.message.contains("'services'") == true)

        let valid = [
            Self.report("r", ["svc": (1, 2)]),
            Self.report(String(repeating: "r", count: RouterLoadReport.maxRouterIDLength), [:]),
            Self.report("berth-router-7d9f.x-1", compute: "Aks-1", ["svc": (max, max)]),
            Self.report("0", ["shop--blue": (1, 0), "a-b--c-d": (0, 1), "svc": (0, 0)]),
        ]
        for report in valid { #expect((try? report.validate()) != nil, "\(report)") }
    }

    @Test("A report without 'compute' decodes, and is refused naming 'compute' and what to send")
    func missingCompute() throws {
        let report = try BerthJSON.decode(
            RouterLoadReport.self,
            from: Data(#"{"router": "r", "services": {"svc": {"inFlight": 1, "queued": 0}}}"#.utf8))
        #expect(report.compute == "")
        let refused = #expect(throws: BerthError.self) { try report.validate() }
        #expect(refused?.message.contains("'compute'") == true)
        #expect(refused?.message.contains("--compute") == true)
        let encoded = try BerthJSON.decode(
            RouterLoadReport.self, from: BerthJSON.encode(Self.report("r", compute: "aks-1", ["svc": (1, 2)])))
        #expect(encoded == Self.report("r", compute: "aks-1", ["svc": (1, 2)]))
    }

    @Test("RouterLoads keeps nothing of a refused report, and sums saturate through it")
    func routerLoadsRecordsOnlyValidReports() throws {
        let loads = RouterLoads(local: { .init() })
        #expect(throws: BerthError.self) { try loads.record(Self.report("r", ["svc": (Int.max, 0), "other": (1, 0)])) }
        #expect(throws: BerthError.self) { try loads.record(Self.report("r", compute: "", ["svc": (1, 0)])) }
        #expect(loads.demand().isEmpty)
        #expect(loads.remoteRouters().isEmpty)
        let max = RouterLoadReport.maxRequests
        for index in 0..<50 { try loads.record(Self.report("r\(index)", ["svc": (max, max)])) }
        #expect(loads.demand()["svc"]?.total == 100 * max)
        #expect(loads.remoteRouters().count == 50)
        #expect(loads.remoteRouters().first == "aks-1/r0")
    }

    @Test("Router ids made from host names follow the rule; a valid id is kept as it is")
    func routerIDsFromHostNames() {
        #expect(RouterLoadReport.routerID(from: "My_Mac.local-4242") == "my-mac.local-4242")
        #expect(RouterLoadReport.routerID(from: "berth-router-7d9f-abcde") == "berth-router-7d9f-abcde")
        #expect(RouterLoadReport.routerID(from: "--._") == "router")
        #expect(RouterLoadReport.routerID(from: "") == "router")
        #expect(RouterLoadReport.routerID(from: "_host_-1") == "host--1")
        let long = RouterLoadReport.routerID(from: String(repeating: "a", count: 300) + "-1")
        #expect(long.count == RouterLoadReport.maxRouterIDLength)
        for text in ["My_Mac.local-4242", "--._", "ÉCOLE-7", String(repeating: "-a", count: 200)] {
            #expect(RouterLoadReport.isValidRouterID(RouterLoadReport.routerID(from: text)), "\(text)")
        }
    }
}
