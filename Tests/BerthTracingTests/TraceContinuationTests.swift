import BerthTraceExport
import BerthTracing
import Logging
import Testing
import Tracing

/// The caller's trace and span ids the tests send.
private let clientTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
private let clientSpanID = "00f067aa0ba902b7"

/// How a request's first span continues (or does not continue) the caller's W3C trace context,
/// through the real swift-otel tracer the executables use (never run, so nothing is exported): a
/// valid `traceparent` is continued, anything malformed starts a new trace and is never an error.
@Suite struct TraceContinuationTests {
    static let valid = "00-\(clientTraceID)-\(clientSpanID)-01"

    let tracer: BerthTracer

    init() throws {
        var logger = Logger(label: "trace-continuation-tests")
        logger.logLevel = .critical
        tracer = try TraceExport.make(serviceName: "berth-test", logger: logger).tracer
    }

    /// The `traceparent` the next hop would get from a span started for a request with `headers`.
    private func forwarded(_ headers: TraceHeaders) throws -> (TraceParent, TraceHeaders, recording: Bool) {
        let span = tracer.startSpan("POST /score", context: tracer.context(continuing: headers), ofKind: .server)
        defer { span.end() }
        let out = tracer.headers(for: span.context)
        return (try #require(TraceParent(out["traceparent"] ?? "")), out, span.isRecording)
    }

    @Test("A valid traceparent is continued: same trace id, a new span id, the sampled flag kept")
    func continuesValidTraceparent() throws {
        let (parent, _, recording) = try forwarded(TraceHeaders(traceparent: Self.valid))
        #expect(parent.traceID == clientTraceID)
        #expect(parent.spanID != clientSpanID)
        #expect(parent.flags == "01")
        #expect(recording)
    }

    @Test("Without headers a request starts a new, sampled trace")
    func noHeadersStartsTrace() throws {
        let (parent, out, _) = try forwarded(TraceHeaders())
        #expect(parent.flags == "01")
        #expect(out["tracestate"] == nil)
    }

    @Test(
        "A malformed traceparent starts a new trace instead of failing the request",
        arguments: [
            "",
            "garbage",
            "00-\(clientTraceID)-\(clientSpanID)",  // no flags
            "00-\(clientTraceID)-\(clientSpanID)-01-",  // trailing data on version 00
            "00-\(clientTraceID.uppercased())-\(clientSpanID)-01",  // uppercase hex
            "00-00000000000000000000000000000000-\(clientSpanID)-01",  // all-zero trace id
            "00-\(clientTraceID)-0000000000000000-01",  // all-zero parent id
            "ff-\(clientTraceID)-\(clientSpanID)-01",  // the forbidden version
            "00-\(clientTraceID.dropLast())g-\(clientSpanID)-01",  // not hex
            "00_\(clientTraceID)_\(clientSpanID)_01",  // wrong delimiters
            "00-\(clientTraceID)-\(clientSpanID)-01 ",  // 56 characters
        ])
    func malformedTraceparentStartsNewTrace(header: String) throws {
        let (parent, _, recording) = try forwarded(TraceHeaders(traceparent: header, tracestate: "congo=t61rcWkgMzE"))
        #expect(parent.traceID != clientTraceID)
        #expect(parent.traceID != String(repeating: "0", count: 32))
        #expect(parent.flags == "01")
        #expect(recording)
    }

    @Test("A tracestate travels with a continued trace")
    func tracestateTravels() throws {
        let (parent, out, _) = try forwarded(
            TraceHeaders(traceparent: Self.valid, tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"))
        #expect(parent.traceID == clientTraceID)
        let state = try #require(out["tracestate"])
        #expect(state.contains("congo=t61rcWkgMzE") && state.contains("rojo=00f067aa0ba902b7"))
    }

    @Test("A malformed tracestate is dropped; its traceparent is still continued")
    func malformedTracestateIsDropped() throws {
        let (parent, out, _) = try forwarded(TraceHeaders(traceparent: Self.valid, tracestate: "Not A=List,,="))
        #expect(parent.traceID == clientTraceID)
        #expect(out["tracestate"] == nil)
    }

    @Test("An unsampled caller stays unsampled: the trace continues, nothing is recorded")
    func unsampledParentStaysUnsampled() throws {
        let (parent, _, recording) = try forwarded(
            TraceHeaders(traceparent: "00-\(clientTraceID)-\(clientSpanID)-00"))
        #expect(parent.traceID == clientTraceID)
        #expect(parent.flags == "00")
        #expect(!recording)
    }

    @Test(
        "The rules alone",
        arguments: [
            ("congo=t61rcWkgMzE", true), (" a=1 , b@vendor=x ", true), ("", true), ("a=1,,b=2", true),
            ("A=1", false), ("a", false), ("a=", false), ("a=b=c", false),
            (Array(repeating: "k=v", count: 33).joined(separator: ","), false),
        ])
    func tracestateRules(value: String, valid: Bool) {
        #expect(TraceContextRules.isValidTracestate(value) == valid)
    }
}

/// A `traceparent` split into its fields, for assertions.
private struct TraceParent {
    var traceID: String
    var spanID: String
    var flags: String

    init?(_ value: String) {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard TraceContextRules.isValidTraceparent(value), parts.count == 4 else { return nil }
        (traceID, spanID, flags) = (parts[1], parts[2], parts[3])
    }
}
