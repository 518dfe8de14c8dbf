import BerthCore
import BerthMetrics
import BerthTracing
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// What the router decides about a request from its head alone, shared by every client
/// connection (`ClientConnectionHandler` does the I/O): the answers it gives itself (health, 404,
/// 405, 401, …) and, for scoring and swagger requests, the request to forward through admission
/// to a replica (`RouterRequestHandler+Forwarding.swift`).
///
/// Everything here is synchronous and reads immutable snapshots (the route table through the
/// connection's `RouteCache`, `RolloutTables`), so a request is decided on its event loop without
/// waiting.
struct RouterRequestHandler: Sendable {
    let admission: Admission<RouterClock>
    /// Token keys, endpoint splits and per-version metrics of the current route table.
    let rollout: RolloutTables
    let proxy: ReplicaProxy
    let maxBodyBytes: Int
    let maxBusyRetries: Int
    let readiness: RouterReadiness
    /// The body bytes all connections may hold at once (`maxBufferedBodyBytes`).
    let bodyBudget: BodyBudget
    /// The head and idle timeouts of client connections.
    let timeouts: ConnectionTimeouts
    /// Where requests are counted and timed; nil when the router keeps no metrics.
    let metrics: RouterMetrics?
    /// Where request spans start; nil when the router exports no traces, and then no request
    /// pays for tracing beyond this one check (`ClientConnectionHandler+Tracing.swift`).
    var tracer: BerthTracer? = nil
    let logger: Logger

    /// What every response of one request carries.
    struct Exchange: Sendable {
        /// `x-ms-request-id`: the client's own when it sent one (as azureml-fe does), else the router's.
        var id: RequestID
        /// The id as text, for error bodies.
        var requestID: String { id.text }
        var clientRequestID: String?
        var keepAlive: Bool
        /// A HEAD request: its response has headers only.
        var isHead: Bool
        /// An HTTP/1.0 client, which cannot take chunked bodies.
        var isHTTP10: Bool
        /// The endpoint version that serves the request, for `x-berth-endpoint-version` and the
        /// per-version metrics; nil for service requests.
        var endpoint: EndpointExchange? = nil
        /// Whether the request came over TLS.
        var overTLS = false
        /// The metric handles of the request's service (`RouterMetrics.unrouted` when it named
        /// none the table has), as `decide` found them; nil when the router keeps no metrics or
        /// does not count the request. The connection moves them out at once
        /// (`ClientConnectionHandler.requestMeters`): an exchange is copied several times per
        /// request, and every copy of a reference shared by all event loops is an atomic
        /// reference-count write on a cache line the loops would pass back and forth.
        var meters: ServiceMeters? = nil
        /// When the request's head was read; set only when the router keeps metrics.
        var startedAt = RouterClock.Instant(nanoseconds: 0)

        /// The exchange of a request that just arrived.
        init(_ head: RequestHead) {
            // The client's id is echoed when it is a plausible id; anything else gets a fresh one.
            var requestID = head.requestID
            if let id = requestID, id.isEmpty || id.utf8.count > Self.maxClientRequestIDBytes { requestID = nil }
            self.id = requestID.map(RequestID.client) ?? RequestIDs.next()
            self.clientRequestID = head.clientRequestID
            self.keepAlive = head.keepAlive
            self.isHead = head.method == .HEAD
            self.isHTTP10 = head.version == .http1_0
        }

        /// The exchange of a request whose head could not be read.
        init() {
            self.id = RequestIDs.next()
            self.keepAlive = false
            self.isHead = false
            self.isHTTP10 = false
        }

        /// The longest client `x-ms-request-id` echoed.
        static let maxClientRequestIDBytes = 128
    }

    /// What to do with a request: answer it here, or forward it to a replica of a service.
    enum Decision {
        case respond(RouterResponse)
        case forward(ForwardPlan)
    }

    /// A request on its way to a replica: the service, its route as admission saw it, and the
    /// request as every replica tried receives it.
    struct ForwardPlan {
        var service: String
        var route: ServiceRoute
        var request: ReplicaProxy.Forwarded

        /// Adds the collected body (nil or empty: none) to the request the replicas receive.
        mutating func attach(_ body: ByteBuffer?) {
            request.body = body.flatMap { $0.readableBytes > 0 ? $0 : nil }
        }
    }

    /// Decides what to do with a request from its head alone, before any of its body is read, so
    /// a request that is refused (no such service, a missing or wrong key or token) costs the
    /// router no body bytes; reads services' routes from the connection's `routes`. A forwarded
    /// request gets its body with `ForwardPlan.attach(_:)` once it arrived.
    func decide(_ head: RequestHead, exchange: inout Exchange, routes: inout RouteCache) -> Decision {
        switch head.path {
        case .routerHealth:
            return .respond(.text("Healthy"))
        case .routerMetrics:
            guard let metrics else { return .respond(routeNotFound("/metrics", exchange)) }
            return .respond(
                RouterResponse(
                    status: .ok, headers: ["Content-Type": MetricsRegistry.contentType],
                    body: ByteBuffer(bytes: metrics.registry.exposition())))
        case .routerReadiness:
            guard readiness.isReady else {
                return .respond(
                    .error(
                        .serviceUnavailable, code: "no_route_table",
                        message: "The router has no route table yet: it is waiting for the control plane's "
                            + "route feed (see its log).",
                        requestID: exchange.requestID))
            }
            return .respond(.text("Ready"))
        case .unknown(let path):
            exchange.meters = metrics?.unrouted
            return .respond(routeNotFound(path, exchange))
        case .endpointScore(let endpoint, let version, let query):
            guard head.method == .POST || head.method == .GET else {
                return .respond(methodNotAllowed(head.method, allowed: "GET, POST", exchange))
            }
            return planEndpoint(
                head, endpoint: endpoint, version: version, query: query, exchange: &exchange,
                routes: &routes)
        case .serviceHealth(let name):
            return .respond(serviceHealth(routes.route(named: name, in: admission), name, exchange))
        case .score(let name, let query):
            exchange.meters = routes.meters(named: name, in: metrics)
            guard head.method == .POST || head.method == .GET else {
                return .respond(methodNotAllowed(head.method, allowed: "GET, POST", exchange))
            }
            return plan(
                head, service: name, route: routes.route(named: name, in: admission),
                target: Self.target("/score", query), exchange: exchange)
        case .swagger(let name, let query):
            exchange.meters = routes.meters(named: name, in: metrics)
            guard head.method == .GET else {
                return .respond(methodNotAllowed(head.method, allowed: "GET", exchange))
            }
            return plan(
                head, service: name, route: routes.route(named: name, in: admission),
                target: Self.target("/swagger.json", query), exchange: exchange)
        }
    }

    /// The metric handles for a request refused before `decide` (a declared body over
    /// `maxBodyBytes`): its service's, or `RouterMetrics.unrouted`; nil without metrics.
    func meters(for path: RouterPath, routes: inout RouteCache) -> ServiceMeters? {
        guard let metrics else { return nil }
        switch path {
        case .score(let name, _), .swagger(let name, _):
            return routes.meters(named: name, in: metrics)
        case .endpointScore(let endpoint, let version?, _):
            guard let pick = rollout.endpoints.direct(endpoint: endpoint, version: version) else {
                return metrics.unrouted
            }
            return routes.meters(named: pick.service, in: metrics)
        case .endpointScore, .serviceHealth, .unknown:
            return metrics.unrouted
        case .routerHealth, .routerReadiness, .routerMetrics:
            return nil
        }
    }

    /// `path` with the client's query string, if any.
    static func target(_ path: String, _ query: String?) -> String {
        guard let query else { return path }
        return "\(path)?\(query)"
    }

    // MARK: Own answers

    private func routeNotFound(_ path: String, _ exchange: Exchange) -> RouterResponse {
        .error(
            .notFound, code: "route_not_found",
            message: "No route '\(path)'. The router serves POST|GET /api/v1/service/<name>/score, "
                + "GET /api/v1/service/<name>/swagger.json and POST|GET /api/v1/endpoint/<name>[/<version>]/score.",
            requestID: exchange.requestID)
    }

    /// 400 (or the framer's more precise 4xx/5xx) for bytes that are not an HTTP/1.1 request the
    /// router accepts; the connection closes after it.
    func notHTTP(_ error: FramingError, _ exchange: Exchange) -> RouterResponse {
        let code: String
        switch error.status {
        case .requestHeaderFieldsTooLarge: code = "headers_too_large"
        case .notImplemented: code = "transfer_coding_not_supported"
        case .expectationFailed: code = "expectation_failed"
        case .httpVersionNotSupported: code = "http_version_not_supported"
        default: code = "bad_request"
        }
        return .error(
            error.status, code: code,
            message: "The request is not valid HTTP/1.1: \(error.description).", requestID: exchange.requestID)
    }

    /// 413 for a body over `maxBodyBytes`; the connection closes after it.
    func tooLarge(_ exchange: Exchange) -> RouterResponse {
        .error(
            .payloadTooLarge, code: "payload_too_large",
            message: "The request body is larger than the router accepts (\(maxBodyBytes) bytes). Send a smaller body.",
            requestID: exchange.requestID)
    }

    /// 503 for a body that does not fit in what all connections may hold at once; the connection
    /// closes after it.
    func bodiesOverBudget(_ exchange: Exchange) -> RouterResponse {
        .retryLater(
            code: "overloaded",
            message: "The router holds as many request bodies as it may (\(bodyBudget.limit) bytes across all "
                + "requests, its maxBufferedBodyBytes); retry the request shortly.",
            requestID: exchange.requestID, reason: .bodyBudget)
    }

    /// 503 for a connection over `maxConnections`, written as soon as it is accepted; it closes after.
    func tooManyConnections(limit: Int, _ exchange: Exchange) -> RouterResponse {
        .retryLater(
            code: "too_many_connections",
            message: "The router has as many client connections open as it may (\(limit), its maxConnections); "
                + "retry shortly, or reuse connections (keep-alive).",
            requestID: exchange.requestID)
    }

    private func serviceHealth(_ route: ServiceRoute?, _ name: String, _ exchange: Exchange) -> RouterResponse {
        guard let route else { return serviceNotFound(name, exchange) }
        if route.replicas.isEmpty {
            return .error(
                .serviceUnavailable, code: "no_ready_replica",
                message: "Service '\(name)' has no ready replica yet.", requestID: exchange.requestID)
        }
        return .text("Healthy")
    }

    func serviceNotFound(_ name: String, _ exchange: Exchange) -> RouterResponse {
        .error(
            .notFound, code: "service_not_found",
            message: "Service '\(name)' does not exist on this router. Check the name with 'berth service list'.",
            requestID: exchange.requestID)
    }

    private func methodNotAllowed(_ method: HTTPMethod, allowed: String, _ exchange: Exchange) -> RouterResponse {
        var response = RouterResponse.error(
            .methodNotAllowed, code: "method_not_allowed",
            message: "Method \(method.rawValue) is not allowed here; use \(allowed).", requestID: exchange.requestID)
        response.headers.add(name: "Allow", value: allowed)
        return response
    }

    // MARK: Response heads

    /// A response the router writes itself, whole: the status line, its headers, its length, the
    /// exchange's headers and the body (none for HEAD).
    func encode(_ response: RouterResponse, _ exchange: Exchange, allocator: ByteBufferAllocator) -> ByteBuffer {
        var body = response.body
        let headBytes =
            ResponseEncoding.statusLineBytes(response.status) + response.headers.encodedSize
            + HeadWriter.contentLengthLineBytes
            + stampBytes(exchange)
        var buffer = allocator.buffer(capacity: headBytes + body.readableBytes)
        buffer.writeHead(maxBytes: headBytes) { head in
            ResponseEncoding.appendStatusLine(response.status, to: &head)
            head.appendHeaderLines(response.headers)
            head.appendContentLength(body.readableBytes)
            appendStamps(exchange, status: response.status, to: &head)
        }
        if !exchange.isHead { buffer.writeBuffer(&body) }
        return buffer
    }

    /// Ends a head with the request ids every response carries, `Connection: close` when
    /// closing, and the blank line; records an endpoint request's status in its version's metrics.
    ///
    /// Called once per response, with its status, when its head is written.
    func appendStamps(_ exchange: Exchange, status: HTTPResponseStatus, to head: inout HeadWriter) {
        head.appendRequestID(exchange.id)
        if let endpoint = exchange.endpoint {
            head.appendHeaderLine("x-berth-endpoint-version", endpoint.version)
            rollout.metrics.record(
                endpoint: endpoint.endpoint, version: endpoint.version, status: Int(status.code),
                startedAt: endpoint.startedAt)
        }
        if let clientRequestID = exchange.clientRequestID {
            head.appendHeaderLine("x-ms-client-request-id", clientRequestID)
        }
        if !exchange.keepAlive { head.append("Connection: close\r\n") }
        head.append("\r\n")
    }

    /// The most bytes `appendStamps` writes for `exchange`.
    func stampBytes(_ exchange: Exchange) -> Int {
        HeadWriter.requestIDLineBytes(exchange.id)
            + (exchange.endpoint.map { HeadWriter.headerLineBytes("x-berth-endpoint-version", $0.version) } ?? 0)
            + (exchange.clientRequestID.map { HeadWriter.headerLineBytes("x-ms-client-request-id", $0) } ?? 0)
            + 21
    }
}
