import Instrumentation
import Tracing

/// The tracer the router and the replica make their spans with, present only while traces are
/// exported.
///
/// Components hold a `BerthTracer?`: nil (no `OTEL_EXPORTER_OTLP_ENDPOINT`) is the whole cost of
/// tracing being off, one check per request before any span, header or clock read. It is handed
/// in explicitly rather than bootstrapped into `InstrumentationSystem`: AsyncHTTPClient traces
/// every request with the global tracer, and the feed's long-polls, the Kubernetes watches and
/// the exporter's own uploads are not spans anyone asked for.
///
/// ```swift
/// var configuration = Router.Configuration(host: "127.0.0.1", port: 8080)
/// configuration.tracer = export.map { $0.tracer }   // nil: no spans, no work
/// ```
public struct BerthTracer: Sendable {
    /// The tracer spans start from (swift-otel's, or any other `Tracer`).
    public let tracer: any Tracer

    /// Wraps `tracer`.
    public init(_ tracer: any Tracer) {
        self.tracer = tracer
    }

    /// The context a request's first span is a child of: the caller's trace when `headers` carry a
    /// valid `traceparent`, else a top-level context, so a span started from it begins a new trace.
    ///
    /// A malformed header is not an error: W3C Trace Context asks a receiver to ignore it and
    /// start over, and a request is never refused for its trace headers.
    /// `TraceContextRules` decides first, so a malformed `tracestate` is dropped while its
    /// `traceparent` is still continued.
    public func context(continuing headers: TraceHeaders) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        guard let traceparent = headers["traceparent"], TraceContextRules.isValidTraceparent(traceparent) else {
            return context
        }
        let tracestate = headers["tracestate"].flatMap { TraceContextRules.isValidTracestate($0) ? $0 : nil }
        tracer.extract(
            TraceHeaders(traceparent: traceparent, tracestate: tracestate), into: &context,
            using: TraceHeadersExtractor())
        return context
    }

    /// The header fields that carry `context` to the next hop (`traceparent`, `tracestate`, and
    /// whatever else `OTEL_PROPAGATORS` asks for).
    public func headers(for context: InstrumentationContext) -> TraceHeaders {
        var headers = TraceHeaders()
        tracer.inject(context, into: &headers, using: TraceHeadersInjector())
        return headers
    }

    /// Starts a span as a child of `context`, at `instant` (default: now).
    public func startSpan(
        _ name: String, context: InstrumentationContext, ofKind kind: SpanKind,
        at instant: DefaultTracerClock.Timestamp = DefaultTracerClock.now
    ) -> any Span {
        tracer.startSpan(name, context: context, ofKind: kind, at: instant)
    }
}

extension DefaultTracerClock.Timestamp {
    /// `self` moved `nanoseconds` later.
    public func advanced(byNanoseconds nanoseconds: UInt64) -> Self {
        Self(nanosecondsSinceEpoch: nanosecondsSinceEpoch &+ nanoseconds)
    }
}
