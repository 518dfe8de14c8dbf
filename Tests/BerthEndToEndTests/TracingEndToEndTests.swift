import BerthCore
import BerthTesting
import Foundation
import NIOHTTP1
import Testing

/// Traces end to end: a real `berth server` exporting to a small OTLP/HTTP receiver (Python,
/// decoding the protobuf bodies with `opentelemetry-proto`), a deployed entry script, one scoring
/// request carrying the client's `traceparent`. The spans that arrive form one trace under the
/// client's span: the router's server span, the replica's request span under it (through the
/// forwarded `traceparent`), and queue wait, worker round trip and `run()` under that, nested in time.
@Suite(.serialized, .timeLimit(.minutes(5))) struct TracingEndToEndTests {
    static let clientTraceID = "0af7651916cd43dd8448eb211c80319c"
    static let clientSpanID = "b7ad6b7169203331"

    /// One span as the receiver wrote it (`Tests/Fixtures/otlp/otlp_receiver.py`).
    struct ExportedSpan: Decodable {
        var service: String?
        var name: String
        /// OTLP's `Span.SpanKind`: 1 internal, 2 server.
        var kind: Int
        var traceId: String
        var spanId: String
        var parentSpanId: String
        var start: UInt64
        var end: UInt64
        /// OTLP's `Status.StatusCode`: 0 unset, 1 ok, 2 error.
        var status: Int
        var attributes: [String: JSONValue]
        var contentType: String?
    }

    /// The OTLP/HTTP receiver of one test, writing the spans it gets into `spansFile`.
    struct Receiver {
        let folder: TemporaryDirectory
        let process: ChildProcess
        let spansFile: URL
        /// `http://127.0.0.1:PORT`, for `OTEL_EXPORTER_OTLP_ENDPOINT`.
        let endpoint: String

        static func start() async throws -> Receiver {
            let folder = try TemporaryDirectory("berth-otlp")
            let spansFile = folder.appending("spans.jsonl")
            let process = try ChildProcess(
                executable: URL(fileURLWithPath: "/usr/bin/env"),
                arguments: [
                    TestPaths.fixturePython, TestPaths.fixtures.appendingPathComponent("otlp/otlp_receiver.py").path,
                    spansFile.path,
                ],
                stdoutFile: folder.appending("receiver.out"), stderrFile: folder.appending("receiver.err"))
            let endpoint = try await process.listeningAddress(within: .seconds(30))
            return Receiver(folder: folder, process: process, spansFile: spansFile, endpoint: endpoint)
        }

        /// The spans of trace `traceID` received so far.
        func spans(of traceID: String) throws -> [ExportedSpan] {
            try TracingEndToEndTests.read(spansFile).filter { $0.traceId == traceID }
        }

        func stop() async {
            await process.terminate()
            folder.remove()
        }
    }

    @Test("One scoring request is one trace: client → router → replica → queue wait, worker round trip, run()")
    func scoringRequestIsOneTrace() async throws {
        let receiver = try await Receiver.start()
        let collector = receiver.endpoint
        let spansFile = receiver.spansFile

        let workspace = try await DeployTests.Workspace.start(
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector,
                // Export within 100 ms instead of 5 s, so the test waits little.
                "OTEL_BSP_SCHEDULE_DELAY": "100",
            ])
        do {
            try #require(try await workspace.deploy("trace-svc").succeeded)
            let uri = try #require(try await workspace.service("trace-svc").scoringUri)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "trace-svc", home: workspace.home)
            let response = try await TestHTTP.post(
                uri, #"{"n": 1}"#,
                headers: [
                    ("Content-Type", "application/json"), ("Authorization", "Bearer \(keys.primaryKey)"),
                    ("traceparent", "00-\(Self.clientTraceID)-\(Self.clientSpanID)-01"),
                    ("tracestate", "client=traced"),
                ])
            #expect(response.status == 200, "\(response.text)")

            var spans: [ExportedSpan] = []
            try await waitUntil(timeout: .seconds(30)) {
                spans = try Self.read(spansFile).filter { $0.traceId == Self.clientTraceID }
                return Set(spans.map(\.name)).isSuperset(of: [
                    "POST /api/v1/service/{service}/score", "POST /score", "queue wait", "worker round trip", "run()",
                ])
            }

            // The router's span continues the client's.
            let router = try #require(spans.first { $0.name == "POST /api/v1/service/{service}/score" })
            #expect(router.service == "berth-server" && router.kind == 2)
            #expect(router.parentSpanId == Self.clientSpanID)
            #expect(router.attributes["http.request.method"] == .string("POST"))
            #expect(router.attributes["http.route"] == .string("/api/v1/service/{service}/score"))
            #expect(router.attributes["http.response.status_code"] == .number(200))
            #expect(router.attributes["berth.service.name"] == .string("trace-svc"))
            #expect(router.attributes["berth.replica.id"]?.stringValue?.isEmpty == false)
            #expect(router.contentType == "application/x-protobuf", "OTLP/HTTP with protobuf bodies")

            // The replica's spans: its request span under the router's, the steps under it.
            let replica = try #require(spans.first { $0.name == "POST /score" })
            #expect(replica.service == "berth-replica" && replica.kind == 2)
            #expect(replica.parentSpanId == router.spanId, "the forwarded traceparent is the router's span")
            #expect(replica.attributes["http.response.status_code"] == .number(200))
            let queue = try #require(spans.first { $0.name == "queue wait" })
            let roundTrip = try #require(spans.first { $0.name == "worker round trip" })
            let run = try #require(spans.first { $0.name == "run()" })
            for step in [queue, roundTrip, run] {
                #expect(step.parentSpanId == replica.spanId, "\(step.name)")
                #expect(step.service == "berth-replica" && step.kind == 1 && step.status != 2, "\(step.name)")
            }

            // Timings nest: router ⊇ replica ⊇ queue wait, then worker round trip ⊇ run().
            #expect(router.start <= replica.start && replica.end <= router.end)
            #expect(replica.start <= queue.start && queue.end <= roundTrip.start)
            #expect(roundTrip.end <= replica.end)
            #expect(roundTrip.start <= run.start && run.end <= roundTrip.end)
            #expect(run.start <= run.end)

            // Nothing secret or bulky in any attribute: no key, no body.
            for span in spans {
                for (name, value) in span.attributes {
                    #expect(!name.lowercased().contains("authorization"), "\(span.name): \(name)")
                    #expect(value.stringValue?.contains(keys.primaryKey) != true, "\(span.name): \(name)")
                    #expect(value.stringValue?.contains(#""n": 1"#) != true, "\(span.name): \(name)")
                }
            }
        } catch {
            await workspace.stop()
            await receiver.stop()
            throw error
        }
        await workspace.stop()
        await receiver.stop()
    }

    @Test("Spans not yet sent when the server stops are flushed: the exporters stop last")
    func spansAreFlushedOnStop() async throws {
        let receiver = try await Receiver.start()
        let traceID = "5d1f9a4c2b7e4e0f9a3c8b6d4e2f1a0b"
        // A batch delay of ten minutes: only the flush at shutdown sends anything.
        let workspace = try await DeployTests.Workspace.start(
            environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "600000"])
        do {
            try #require(try await workspace.deploy("flush-svc").succeeded)
            let uri = try #require(try await workspace.service("flush-svc").scoringUri)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "flush-svc", home: workspace.home)
            let response = try await TestHTTP.post(
                uri, #"{"n": 2}"#,
                headers: [
                    ("Content-Type", "application/json"), ("Authorization", "Bearer \(keys.primaryKey)"),
                    ("traceparent", "00-\(traceID)-\(Self.clientSpanID)-01"),
                ])
            #expect(response.status == 200, "\(response.text)")
            #expect(try receiver.spans(of: traceID).isEmpty, "nothing is sent before the batch delay")
        } catch {
            await workspace.stop()
            await receiver.stop()
            throw error
        }
        await workspace.stop()
        var names: Set<String> = []
        do {
            try await waitUntil(timeout: .seconds(10)) {
                names = Set(try receiver.spans(of: traceID).map(\.name))
                return names.isSuperset(of: ["POST /api/v1/service/{service}/score", "POST /score", "run()"])
            }
        } catch {
            Issue.record("Spans flushed at shutdown: \(names)")
        }
        await receiver.stop()
    }

    /// The spans the receiver wrote so far.
    static func read(_ file: URL) throws -> [ExportedSpan] {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(ExportedSpan.self, from: Data($0.utf8)) }
    }
}
