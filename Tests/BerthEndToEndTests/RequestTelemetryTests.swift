import BerthCore
import BerthTesting
import Foundation
import NIOHTTP1
import Testing

/// `appInsightsEnabled: true` end to end: a real server, a real replica and a real entry script
/// whose `run()` raises for some inputs; the replica's telemetry lines match the requests sent
/// (the ids the client got, the codes, the exceptions), and `berth service get-telemetry` reads them.
@Suite(.serialized, .timeLimit(.minutes(5))) struct RequestTelemetryTests {
    @Test("Each scoring request is one telemetry line with its id, code and run() exception; get-telemetry reads them")
    func scoringRequestsAreRecorded() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let fixture = TestPaths.corpus("telemetry")
            try #require(
                try await workspace.deploy(
                    "tele-svc", fixture: "telemetry",
                    extra: ["--dc", fixture.appendingPathComponent("deploymentconfig.json").path]
                ).succeeded)
            let uri = try #require(try await workspace.service("tele-svc").scoringUri)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "tele-svc", home: workspace.home)
            let auth = ("Authorization", "Bearer \(keys.primaryKey)")

            // Three successes and two run() failures; the ids are the ones the client receives.
            var sent: [(id: String, code: String, exception: String?)] = []
            for body in [#"{"n": 1}"#, #"{"fail": 1}"#, #"{"n": 2}"#, #"{"fail": 2}"#, #"{"n": 3}"#] {
                let response = try await TestHTTP.post(
                    uri, body, headers: [auth, ("x-ms-client-request-id", "c-\(sent.count)")])
                let id = try #require(response.headers.first(name: "x-ms-request-id"))
                let failure = body.contains("fail") ? "telemetry test failure \(body.filter(\.isNumber))" : nil
                #expect(response.status == (failure == nil ? 200 : 502), "\(response.text)")
                sent.append((id, failure == nil ? "200" : "502", failure))
            }

            var page = ServiceTelemetry(service: "", enabled: false, dropped: 0, requests: [])
            try await waitUntil {
                page = try await berthJSON(
                    ServiceTelemetry.self, "service", "get-telemetry", "-n", "tele-svc", home: workspace.home)
                return page.requests.count == sent.count
            }
            #expect(page.enabled && page.dropped == 0)
            #expect(page.requests.map(\.id) == sent.map(\.id), "one line per request, in order, with the client's ids")
            #expect(page.requests.map(\.resultCode) == sent.map(\.code))
            #expect(page.requests.map(\.success) == sent.map { $0.exception == nil })
            for (record, request) in zip(page.requests, sent) {
                #expect(record.name == "POST /api/v1/service/tele-svc/score")
                #expect(record.duration > 0)
                let dimensions = record.customDimensions
                #expect(dimensions["service"] == "tele-svc" && dimensions["models"] == "echo-model:1")
                #expect(dimensions["replica"]?.isEmpty == false)
                if let exception = request.exception {
                    #expect(dimensions["exception"]?.contains(exception) == true, "\(dimensions)")
                } else {
                    #expect(dimensions["exception"] == nil)
                }
            }
            #expect(page.requests.map { $0.customDimensions["clientRequestId"] } == (0..<5).map { "c-\($0)" })

            let failed = try await berthJSON(
                ServiceTelemetry.self, "service", "get-telemetry", "-n", "tele-svc", "--failed", home: workspace.home)
            #expect(failed.requests.map(\.id) == sent.filter { $0.exception != nil }.map(\.id))
            let table = try await berth(
                "service", "get-telemetry", "-n", "tele-svc", "--failed", "--since", "1h", "--limit", "1",
                home: workspace.home)
            #expect(table.stdout.contains(sent[3].id) && !table.stdout.contains(sent[1].id), "\(table)")
            #expect(table.stdout.contains("telemetry test failure 2"), "\(table)")

            // The lines are JSON in the service's folder of the workspace.
            let folder = workspace.home.appendingPathComponent("telemetry/tele-svc")
            let segments = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
                $0.hasSuffix(".jsonl")
            }
            #expect(segments.count == 1)
            let lines = try String(contentsOf: folder.appendingPathComponent(segments[0]), encoding: .utf8)
                .split(separator: "\n")
            #expect(lines.count == 5 && lines.allSatisfy { RequestTelemetry.parse(line: Data($0.utf8)) != nil })

            try await berthFails(
                "service", "get-telemetry", "-n", "no-such-svc", home: workspace.home, saying: "does not exist")
            try await berthFails(
                "service", "get-telemetry", "-n", "tele-svc", "--since", "yesterday", home: workspace.home,
                exitCode: 64, saying: "--since")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}
