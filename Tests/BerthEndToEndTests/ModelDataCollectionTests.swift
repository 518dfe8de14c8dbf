import BerthCore
import BerthTesting
import Foundation
import Testing

/// `dataCollection.storageEnabled` end to end: an entry script's `ModelDataCollector` rows land in
/// `$BERTH_HOME/modeldata/…` with the router's request id, and `service update
/// --collect-model-data false` turns collection off.
@Suite(.serialized) struct ModelDataCollectionTests {
    @Test("Collected inputs and predictions land in the workspace's modeldata folder; an update turns it off")
    func collectedRowsLandInTheWorkspace() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let fixture = TestPaths.corpus("datacollection")
            try #require(
                try await workspace.deploy(
                    "collect-svc", fixture: "datacollection",
                    extra: ["--dc", fixture.appendingPathComponent("deploymentconfig.json").path]
                ).succeeded)
            let service = try await workspace.service("collect-svc")
            let uri = try #require(service.scoringUri)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "collect-svc", home: workspace.home)
            let auth = ("Authorization", "Bearer \(keys.primaryKey)")
            let scored = try await TestHTTP.post(
                uri, #"{"data": [[1, 2], [3, 4]]}"#, headers: [auth, ("x-ms-request-id", "e2e-request-1")])
            #expect(scored.status == 200 && scored.text == "[3, 7]")

            let day = modelDataDayFolder()
            let folder = workspace.home.appendingPathComponent(
                "modeldata/default/default/default/collect-svc/echo-model/default")
            let inputs = folder.appendingPathComponent("inputs/\(day)/inputs.csv")
            let predictions = folder.appendingPathComponent("predictions/\(day)/predictions.csv")
            let inputRows = try Self.lines(of: inputs)
            #expect(inputRows.first?.hasPrefix("x1,x2,$aml_dc_correlation_id,") == true)
            #expect(inputRows.dropFirst().map { $0.hasPrefix("1,2,") || $0.hasPrefix("3,4,") } == [true, true])
            #expect(inputRows.dropFirst().allSatisfy { $0.hasSuffix(",e2e-request-1") }, "the router's request id")
            #expect(try Self.lines(of: predictions).dropFirst().map { $0.prefix(2) } == ["3,", "7,"])

            let update = try await berth(
                "service", "update", "-n", "collect-svc", "--collect-model-data", "false", home: workspace.home)
            #expect(update.stdout.contains("is Healthy"))
            #expect(try await TestHTTP.post(uri, #"{"data": [[5, 6]]}"#, headers: [auth]).status == 200)
            #expect(try Self.lines(of: inputs).count == 3, "no row once collection is off")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    static func lines(of file: URL) throws -> [String] {
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }
}
