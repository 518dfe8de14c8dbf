import BerthCore
import Foundation
import Testing

/// The request telemetry line: Application Insights' request fields, as one JSON line.
struct RequestTelemetryTests {
    @Test("A line has the requests table's fields: ISO-8601 UTC timestamp, ms duration, text resultCode")
    func lineFormat() throws {
        let record = RequestTelemetry(
            timestamp: Date(timeIntervalSince1970: 1_800_000_000.125), id: "0f1e",
            name: "POST /api/v1/service/svc/score",
            duration: 12.5, resultCode: 502, customDimensions: ["service": "svc", "exception": "ValueError: x"])
        let line = String(decoding: record.jsonLine(), as: UTF8.self)
        #expect(
            line
                == #"{"customDimensions":{"exception":"ValueError: x","service":"svc"},"duration":12.5,"id":"0f1e","#
                + #""name":"POST /api/v1/service/svc/score","resultCode":"502","success":false,"#
                + #""timestamp":"2027-01-15T08:00:00.125Z"}"# + "\n")
        #expect(RequestTelemetry.parse(line: Data(line.utf8)) == record)
        #expect(RequestTelemetry.parse(line: Data(#"{"id": "torn"#.utf8)) == nil)
        #expect(
            RequestTelemetry(
                timestamp: Date(), id: "a", name: "n", duration: 0, resultCode: 399, customDimensions: [:]
            ).success)
    }

    @Test("A long exception is cut at a character boundary and marked")
    func longExceptionIsCut() {
        let text = String(repeating: "é", count: RequestTelemetry.maxExceptionBytes)
        let cut = RequestTelemetry.exceptionText(text)
        #expect(cut.utf8.count <= RequestTelemetry.maxExceptionBytes && cut.hasSuffix("… (cut)"))
        #expect(!cut.contains("\u{FFFD}"))
        #expect(RequestTelemetry.exceptionText("short") == "short")
    }

    @Test("An endpoint version's deployment names its endpoint and version, and its requests the endpoint")
    func contextOfEndpointVersion() throws {
        let version = RequestTelemetryContext(deployment: "fraud--ver2", models: ["m:1", "n:3"], directory: "/t")
        #expect(version.endpoint == "fraud" && version.endpointVersion == "ver2")
        #expect(version.requestName(method: "POST") == "POST /api/v1/endpoint/fraud/score")
        #expect(
            version.dimensions == [
                "service": "fraud--ver2", "endpoint": "fraud", "endpointVersion": "ver2", "models": "m:1,n:3",
            ])
        let service = RequestTelemetryContext(deployment: "my-svc", models: [], directory: nil)
        #expect(service.endpoint == nil && service.requestName(method: "GET") == "GET /api/v1/service/my-svc/score")
        let environment = [RequestTelemetryContext.environmentVariable: version.environmentValue]
        #expect(RequestTelemetryContext.from(environment: environment) == version)
        #expect(RequestTelemetryContext.from(environment: [:]) == nil)
    }

    @Test("--since reads a duration back from now or an ISO-8601 time, and names both forms otherwise")
    func sinceParsing() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(try RequestTelemetryQuery.since(parsing: "90s", now: now) == now.addingTimeInterval(-90))
        #expect(try RequestTelemetryQuery.since(parsing: "15m", now: now) == now.addingTimeInterval(-900))
        #expect(try RequestTelemetryQuery.since(parsing: "2h", now: now) == now.addingTimeInterval(-7200))
        #expect(try RequestTelemetryQuery.since(parsing: "1d", now: now) == now.addingTimeInterval(-86400))
        #expect(
            try RequestTelemetryQuery.since(parsing: "2027-01-15T08:00:00Z", now: now)
                == Date(timeIntervalSince1970: 1_800_000_000))
        for bad in ["yesterday", "5w", "-3m", "", "m"] {
            #expect(throws: BerthError.self) { try RequestTelemetryQuery.since(parsing: bad, now: now) }
        }
    }
}

/// The hand-written line is what `BerthJSON`'s encoder writes, for any text and time.
struct RequestTelemetryLineTests {
    @Test(
        "The line equals JSONEncoder's output (sorted keys, escapes, the timestamp's text)",
        arguments: [
            (0.0, 0.0), (1_800_000_000.125, 12.5), (951_782_400.9995, 3), (-86_400.5, 1e-3), (4_102_444_799.999, 7.25),
        ])
    func lineEqualsEncoder(seconds: Double, duration: Double) throws {
        let record = RequestTelemetry(
            timestamp: Date(timeIntervalSince1970: seconds), id: "a\"b\\c", name: "POST /api/v1/service/s/score",
            duration: duration, resultCode: 502,
            customDimensions: ["exception": "Traceback:\n\tline 1 \u{01} é ✓", "b": "", "a": "x/y"])
        let encoder = BerthJSON.encoder()
        encoder.outputFormatting.insert(.withoutEscapingSlashes)
        var expected = try encoder.encode(record)
        expected.append(UInt8(ascii: "\n"))
        #expect(String(decoding: record.jsonLine(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(RequestTelemetry.parse(line: record.jsonLine()) != nil)
    }
}
