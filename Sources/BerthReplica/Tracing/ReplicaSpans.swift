import BerthTracing
import NIOHTTP1
import Tracing

/// The spans of one scoring request in the replica, made once its answer is known:
///
/// - `POST /score` (server): the request, from its arrival to its answer; a child of the span in
///   the router's `traceparent` (or of the client's, or a new trace's root);
/// - `queue wait`: until a worker took it (a child of the request span);
/// - `worker round trip`: from handing it to the worker to the worker's reply;
/// - `run()`: the entry script's `run`, as the worker timed it.
///
/// `run()` is recorded here with explicit start and end from what the worker reports in its
/// reply (`runStartUs`, `execMs`, docs/worker-protocol.md) rather than exported by the Python
/// worker itself: the worker would need the OpenTelemetry SDK in every user environment, a
/// second exporter per worker process and the context passed into it, all to time one call;
/// the worker and the replica share the machine's wall clock, so two numbers in the reply place
/// the span exactly, and the replica's exporter sends it with the others.
enum ReplicaSpans {
    /// Records the spans of a request that was answered `status` now.
    ///
    /// - Parameters:
    ///   - headers: the request's headers (`traceparent`, `tracestate`).
    static func record(
        _ tracer: BerthTracer, method: HTTPMethod, headers: HTTPHeaders, requestID: String, trace: ScoringTrace,
        status: HTTPResponseStatus
    ) {
        let end = DefaultTracerClock.now
        let steps = trace.recorded
        let parent = tracer.context(
            continuing: TraceHeaders(
                traceparent: headers.first(name: "traceparent"), tracestate: headers.first(name: "tracestate")))
        let request = tracer.startSpan(
            "\(method.rawValue) /score", context: parent, ofKind: .server, at: trace.arrivedAt)
        let code = Int(status.code)
        request.updateAttributes { attributes in
            attributes["http.request.method"] = method.rawValue
            attributes["http.route"] = "/score"
            attributes["http.response.status_code"] = code
            attributes["berth.request.id"] = requestID
            if let failure = steps.failure { attributes["berth.replica.failure"] = "\(failure)" }
        }
        if code >= 500 {
            request.attributes["error.type"] = String(code)
            request.setStatus(SpanStatus(code: .error))
        }
        let dispatchedAt = steps.dispatchedAt.map(DefaultTracerClock.Timestamp.init(nanosecondsSinceEpoch:))
        let queue = tracer.startSpan("queue wait", context: request.context, ofKind: .internal, at: trace.arrivedAt)
        if dispatchedAt == nil {
            queue.setStatus(SpanStatus(code: .error, message: "No worker took the request."))
        }
        queue.end(at: dispatchedAt ?? end)
        if let dispatchedAt {
            let roundTrip = tracer.startSpan(
                "worker round trip", context: request.context, ofKind: .internal, at: dispatchedAt)
            let repliedAt = steps.repliedAt.map(DefaultTracerClock.Timestamp.init(nanosecondsSinceEpoch:))
            if repliedAt == nil {
                roundTrip.setStatus(SpanStatus(code: .error, message: "The worker gave no reply."))
            }
            roundTrip.end(at: repliedAt ?? end)
        }
        if let run = steps.run {
            let start = DefaultTracerClock.Timestamp(nanosecondsSinceEpoch: run.start)
            let span = tracer.startSpan("run()", context: request.context, ofKind: .internal, at: start)
            if run.failed { span.setStatus(SpanStatus(code: .error, message: "run() raised an exception.")) }
            span.end(at: start.advanced(byNanoseconds: run.nanoseconds))
        }
        request.end(at: end)
    }
}
