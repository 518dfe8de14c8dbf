import BerthCore
import BerthTracing
import NIOHTTP1
import Tracing

/// The router's span of one client request (kind server), when the router exports traces.
///
/// It continues the client's W3C `traceparent` (or starts a trace), covers the request from its
/// head to the last byte of the answer, and is the parent the replica continues: the forwarded
/// request carries the router's own `traceparent` in place of the client's. Attributes follow the
/// OpenTelemetry HTTP server conventions (`http.request.method`, `http.route`,
/// `http.response.status_code`, `url.scheme`, `network.protocol.version`, `error.type`) plus
/// Berth's `berth.service.name`, `berth.endpoint.name`, `berth.endpoint.version`,
/// `berth.replica.id` and `berth.request.id`. Never a body, a query string, a key or a token:
/// the target's query may carry data, so only the route template is recorded.
///
/// Everything here runs only when `RouterRequestHandler.tracer` is set; the callers check
/// `span != nil` (or the tracer) first, so a router without tracing does none of it.
extension ClientConnectionHandler {
    /// Starts the span of a request whose head just arrived, unless it is for the router itself
    /// (health, readiness, metrics: probes and scrapes, not client traffic) or for no route at all.
    func startSpan(_ tracer: BerthTracer, _ head: RequestHead, overTLS: Bool) {
        guard let route = head.path.spanRoute else { return }
        let parent = tracer.context(
            continuing: TraceHeaders(traceparent: head.traceparent, tracestate: head.tracestate))
        let span = tracer.startSpan("\(head.method.rawValue) \(route)", context: parent, ofKind: .server)
        span.updateAttributes { attributes in
            attributes["http.request.method"] = head.method.rawValue
            attributes["http.route"] = route
            attributes["url.scheme"] = overTLS ? "https" : "http"
            attributes["network.protocol.version"] = head.version == .http1_0 ? "1.0" : "1.1"
            switch head.path {
            case .score(let service, _), .swagger(let service, _):
                attributes["berth.service.name"] = service
            case .endpointScore(let endpoint, let version, _):
                attributes["berth.endpoint.name"] = endpoint
                if let version { attributes["berth.endpoint.version"] = version }
            case .serviceHealth(let service):
                attributes["berth.service.name"] = service
            case .routerHealth, .routerReadiness, .routerMetrics, .unknown:
                break
            }
        }
        self.span = span
    }

    /// Records what the router decided for a request it forwards and puts its own span's context
    /// on the forwarded request.
    func traceForwarded(_ plan: inout RouterRequestHandler.ForwardPlan, _ head: RequestHead) {
        guard let span, let tracer = shared.tracer else { return }
        span.updateAttributes { attributes in
            attributes["berth.service.name"] = plan.service
            attributes["berth.request.id"] = plan.request.requestID.text
            if let endpoint = exchange?.endpoint {
                attributes["berth.endpoint.version"] = endpoint.version
            }
        }
        plan.request.continueTrace(
            with: tracer.headers(for: span.context),
            clientSentTrace: head.traceparent != nil || head.tracestate != nil)
    }

    /// Records the replica a request was given to (the last one, when it was retried elsewhere).
    func traceReplica(_ replica: ReplicaEndpoint) {
        span?.attributes["berth.replica.id"] = replica.id
    }

    /// Records the status of the answer, whose head goes out now. 5xx answers mark the span as
    /// an error (HTTP server conventions: 4xx are the client's, not the server's).
    func traceAnswer(_ status: HTTPResponseStatus) {
        guard let span else { return }
        let code = Int(status.code)
        span.attributes["http.response.status_code"] = code
        if code >= 500 {
            span.attributes["error.type"] = String(code)
            span.setStatus(SpanStatus(code: .error))
        }
    }

    /// Marks the span as failed after its head went out (the replica's body broke off).
    func traceBrokenResponse() {
        span?.setStatus(SpanStatus(code: .error, message: "The replica's response broke off mid-body."))
    }

    /// Ends the request's span: its answer is written, or the client went away (`abandoned`).
    func endSpan(abandoned: Bool = false) {
        guard let span = span.take() else { return }
        if abandoned, span.attributes.get("http.response.status_code") == nil {
            span.attributes["error.type"] = "client_closed"
            span.setStatus(SpanStatus(code: .error, message: "The client closed the connection before the answer."))
        }
        span.end()
    }
}

extension RouterPath {
    /// The route template of a client request (`http.route`), or nil for the router's own paths.
    var spanRoute: String? {
        switch self {
        case .score: "/api/v1/service/{service}/score"
        case .swagger: "/api/v1/service/{service}/swagger.json"
        case .serviceHealth: "/api/v1/service/{service}"
        case .endpointScore(_, let version, _):
            version == nil ? "/api/v1/endpoint/{endpoint}/score" : "/api/v1/endpoint/{endpoint}/{version}/score"
        case .unknown, .routerHealth, .routerReadiness, .routerMetrics: nil
        }
    }
}
