import BerthAutoscaling
import BerthCore
import Testing

/// The effective-weight function and the version rules, with the seed's examples.
@Suite struct TrafficSplitTests {
    typealias Change = EndpointVersionRules.Change

    private func shares(_ versions: [EndpointVersion]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: TrafficSplit.effectiveShares(versions).map { ($0.version, $0.percent) })
    }

    private func create(_ name: String, _ percent: Double? = nil, isDefault: Bool? = nil, isControl: Bool? = nil)
        -> Change
    {
        .create(name: name, trafficPercentile: percent, isDefault: isDefault, isControl: isControl)
    }

    private func update(_ name: String, _ percent: Double? = nil, isDefault: Bool? = nil, isControl: Bool? = nil)
        -> Change
    {
        .update(name: name, trafficPercentile: percent, isDefault: isDefault, isControl: isControl)
    }

    private func apply(_ changes: Change..., to start: [EndpointVersion] = []) throws -> [EndpointVersion] {
        var versions = start
        for change in changes { versions = try EndpointVersionRules.apply(change, to: versions, endpoint: "ep") }
        return versions
    }

    private func error(_ changes: Change...) -> BerthError? {
        var versions: [EndpointVersion] = []
        do {
            for change in changes { versions = try EndpointVersionRules.apply(change, to: versions, endpoint: "ep") }
            return nil
        } catch {
            return error
        }
    }

    @Test("Seed: a at 20 % alone is the default and gets 100 %")
    func seedDefaultAlone() throws {
        let versions = try apply(create("aaa", 20))
        #expect(versions.map(\.isDefault) == [true])
        #expect(shares(versions) == ["aaa": 100])
    }

    @Test("Seed: adding b at 10 % gives a 90 % and b 10 %")
    func seedAddB() throws {
        let versions = try apply(create("aaa", 20), create("bbb", 10))
        #expect(versions.map(\.isDefault) == [true, false])
        #expect(shares(versions) == ["aaa": 90, "bbb": 10])
    }

    @Test("Seed: b updated to 40 % and made default gives a 20 % and b 80 %")
    func seedMoveDefault() throws {
        let versions = try apply(create("aaa", 20), create("bbb", 10), update("bbb", 40, isDefault: true))
        #expect(versions.map(\.isDefault) == [false, true])
        #expect(shares(versions) == ["aaa": 20, "bbb": 80])
    }

    @Test("Shares always sum to 100 and basis points are exact")
    func sharesSumTo100() throws {
        let versions = try apply(create("aaa"), create("bbb", 33.33), create("ccc", 33.33), create("ddd", 0))
        let split = TrafficSplit.effectiveShares(versions)
        #expect(abs(split.reduce(0) { $0 + $1.percent } - 100) < 1e-9)
        #expect(split.map(\.basisPoints) == [3334, 3333, 3333, 0])
        #expect(TrafficSplit.effectiveShares([]).isEmpty)
    }

    @Test("At most 6 versions; the 7th is refused naming the limit")
    func sixVersions() throws {
        let six = try apply(create("v-1"), create("v-2"), create("v-3"), create("v-4"), create("v-5"), create("v-6"))
        #expect(six.count == 6)
        #expect(throws: BerthError.self) { try EndpointVersionRules.apply(create("v-7"), to: six, endpoint: "ep") }
        let failure = try #require(error(create("v-1"), create("v-2"), create("v-3"), create("v-4"), create("v-5"),
            create("v-6"), create("v-7")))
        #expect(failure.message.contains("6 versions"))
    }

    @Test("Percentiles sum to at most 100, the default's included; the error names the sum and the parts")
    func sumAtMost100() throws {
        #expect(try apply(create("aaa", 60), create("bbb", 40)).count == 2)
        let failure = try #require(error(create("aaa", 60), create("bbb", 50)))
        #expect(failure.code == .badRequest)
        #expect(failure.message.contains("sum to 110"))
        #expect(failure.message.contains("aaa 60, bbb 50"))
        #expect(error(create("aaa", 20), create("bbb", 10), update("aaa", 95)) != nil)
    }

    @Test("A percentile outside 0–100 is refused with Azure's wording")
    func range() throws {
        #expect(error(create("aaa", 101))?.message.contains("cannot be negative or greater than 100") == true)
        #expect(error(create("aaa", -1))?.code == .invalidConfiguration)
        #expect(error(create("aaa"), update("aaa", .nan)) != nil)
    }

    @Test("The first version is the default; isDefault moves the role; the default cannot just drop it")
    func defaultRole() throws {
        let versions = try apply(create("aaa"), create("bbb", 10, isDefault: true))
        #expect(versions.filter(\.isDefault).map(\.name) == ["bbb"])
        let back = try apply(update("aaa", isDefault: true), to: versions)
        #expect(back.filter(\.isDefault).map(\.name) == ["aaa"])
        #expect(error(create("aaa"), update("aaa", isDefault: false))?.message.contains("another version") == true)
        // A non-default saying false is a no-op.
        #expect(try apply(update("bbb", isDefault: false), to: back).filter(\.isDefault).map(\.name) == ["aaa"])
    }

    @Test("At most one control: making a version the control makes the others treatments")
    func oneControl() throws {
        let versions = try apply(create("aaa", isControl: true), create("bbb", 10), create("ccc", 10, isControl: true))
        #expect(versions.filter { $0.type == .control }.map(\.name) == ["ccc"])
        #expect(versions.filter { $0.type == .treatment }.count == 2)
        let none = try apply(update("ccc", isControl: false), to: versions)
        #expect(none.allSatisfy { $0.type == .treatment })
    }

    @Test("Deleting the default while others exist is refused naming which to make default first")
    func deleteDefault() throws {
        let versions = try apply(create("aaa"), create("bbb", 10), create("ccc", 10))
        let failure = try #require(error(create("aaa"), create("bbb", 10), .delete(name: "aaa")))
        #expect(failure.message.contains("'bbb'"))
        #expect(failure.message.contains("--is-default"))
        let afterMove = try apply(update("bbb", isDefault: true), .delete(name: "aaa"), to: versions)
        #expect(afterMove.map(\.name) == ["bbb", "ccc"])
        #expect(shares(afterMove) == ["bbb": 90, "ccc": 10])
        let nonDefault = try apply(.delete(name: "ccc"), to: versions)
        #expect(shares(nonDefault) == ["aaa": 90, "bbb": 10])
    }

    @Test("The last version cannot be deleted; unknown, duplicate and badly named versions are refused")
    func otherErrors() throws {
        #expect(error(create("aaa"), .delete(name: "aaa"))?.message.contains("Delete the endpoint") == true)
        #expect(error(create("aaa"), .delete(name: "zzz"))?.code == .notFound)
        #expect(error(create("aaa"), update("zzz", 5))?.code == .notFound)
        #expect(error(create("aaa"), create("aaa"))?.code == .alreadyExists)
        #expect(error(create("Bad_Name"))?.code == .invalidName)
        #expect(error(create("aaa"), update("aaa"))?.message.contains("No parameters") == true)
    }
}
