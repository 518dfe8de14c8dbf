import BerthCore
import Testing

@testable import BerthRouter

/// Smooth weighted round-robin as a pure value: exact shares, spread-out picks, weight changes
/// from the next pick, removed and zero-weight versions never picked.
@Suite struct EndpointSplitterStateMachineTests {
    private func endpoint(_ weights: [(String, Int)]) -> [String: EndpointRoute] {
        [
            "ep": EndpointRoute(
                name: "ep",
                versions: weights.map { EndpointVersionRoute(name: $0.0, service: "ep--\($0.0)", weight: $0.1) })
        ]
    }

    private func counts(_ machine: inout EndpointSplitterStateMachine, picks: Int) -> [String: Int] {
        var result: [String: Int] = [:]
        for _ in 0..<picks { result[machine.pick(endpoint: "ep")?.version ?? "none", default: 0] += 1 }
        return result
    }

    @Test("Over one cycle of total weight each version gets exactly its weight")
    func exactShares() {
        var machine = EndpointSplitterStateMachine()
        machine.apply(endpoint([("a", 9000), ("b", 1000)]))
        #expect(counts(&machine, picks: 10000) == ["a": 9000, "b": 1000])
        machine.apply(endpoint([("a", 2000), ("b", 5000), ("c", 3000)]))
        #expect(counts(&machine, picks: 10000) == ["a": 2000, "b": 5000, "c": 3000])
    }

    @Test("Picks are spread: a 10 % version is never picked twice within 5 picks")
    func spread() {
        var machine = EndpointSplitterStateMachine()
        machine.apply(endpoint([("a", 90), ("b", 10)]))
        var lastB: Int?
        for index in 0..<1000 where machine.pick(endpoint: "ep")?.version == "b" {
            if let lastB { #expect(index - lastB >= 5) }
            lastB = index
        }
    }

    @Test("A removed version or one at weight 0 is never picked; the direct pick still finds weight-0 versions")
    func removedAndZero() {
        var machine = EndpointSplitterStateMachine()
        machine.apply(endpoint([("a", 5000), ("b", 5000)]))
        _ = counts(&machine, picks: 3)
        machine.apply(endpoint([("a", 10000), ("b", 0)]))
        #expect(counts(&machine, picks: 100) == ["a": 100])
        #expect(machine.direct(endpoint: "ep", version: "b")?.service == "ep--b")
        machine.apply(endpoint([("a", 10000)]))
        #expect(counts(&machine, picks: 100) == ["a": 100])
        #expect(machine.direct(endpoint: "ep", version: "b") == nil)
        #expect(machine.pick(endpoint: "nope") == nil)
        machine.apply(endpoint([("a", 0)]))
        #expect(machine.pick(endpoint: "ep") == nil)
        #expect(machine.hasEndpoint("ep"))
    }

    @Test("A weight change applies from the next cycle without starving anyone")
    func weightChange() {
        var machine = EndpointSplitterStateMachine()
        machine.apply(endpoint([("a", 5000), ("b", 5000)]))
        _ = counts(&machine, picks: 1234)
        machine.apply(endpoint([("a", 8000), ("b", 2000)]))
        let after = counts(&machine, picks: 10000)
        #expect(abs((after["a"] ?? 0) - 8000) <= 1)
        #expect(abs((after["b"] ?? 0) - 2000) <= 1)
    }
}
