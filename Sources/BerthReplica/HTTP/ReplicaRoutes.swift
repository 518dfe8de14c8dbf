import BerthCore
import BerthMetrics
import BerthTracing
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A complete HTTP response of the replica.
struct ReplicaResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// The answer to a HEAD request: the GET's headers, Content-Length still telling its size, no body.
    mutating func dropBodyKeepingLength() {
        headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        body.clear()
    }
}

/// The replica's routes, as Azure's scoring container serves them (compat.md §7.3), plus `/ready`.
///
/// Independent of the channel, so the decisions are readable in one place: the handler collects
/// a request and calls `respond`, which answers at once or hands `/score` to the worker pool.
struct ReplicaRoutes: Sendable {
    let pool: WorkerPool
    let maxBodyBytes: Int
    let scoringTimeoutMs: Int
    /// Who may reach the scoring routes: on Kubernetes, only the router.
    let routerSecret: RouterSecretCheck
    /// Scoring answers and their times, served at `/metrics`.
    let metrics: ReplicaMetrics
    /// Request telemetry, when the deployment has `appInsightsEnabled`; nil costs nothing.
    var telemetry: ReplicaTelemetry? = nil
    /// Where scoring spans are recorded (`ReplicaSpans`); nil when the replica exports no traces,
    /// and then a request pays nothing for tracing.
    var tracer: BerthTracer? = nil
    let logger: Logger

    /// Answers one collected request; the future completes on `eventLoop`.
    func respond(to head: HTTPRequestHead, body: ByteBuffer, on eventLoop: any EventLoop) -> EventLoopFuture<
        ReplicaResponse
    > {
        let (path, query) = split(head.uri)
        let requestID = head.headers.first(name: "x-ms-request-id") ?? UUID().uuidString.lowercased()
        let future: EventLoopFuture<ReplicaResponse>
        switch path {
        case "/score":
            let promise = eventLoop.makePromise(of: WorkerReply.self)
            var headers = head.headers
            if !headers.contains(name: "x-ms-request-id") { headers.add(name: "x-ms-request-id", value: requestID) }
            // The router's secret is for this host, not for the entry script.
            headers.remove(name: RouterSecretCheck.headerName)
            let trace = tracer == nil ? nil : ScoringTrace()
            pool.submit(
                ScoringJob(
                    request: WorkerRequest(method: head.method, path: path, query: query, headers: headers, body: body),
                    promise: promise, trace: trace))
            let startedAt = ContinuousClock.now
            let arrived = telemetry?.now()
            future = promise.futureResult.map { [metrics] reply in
                metrics.run.record(milliseconds: reply.execMs)
                return Self.response(for: reply)
            }.flatMapErrorThrowing { error in
                let failure = error as? ScoringFailure ?? .workerCrashed
                trace?.failed(failure)
                return self.response(for: failure)
            }.map { [metrics, telemetry, tracer] response in
                let duration = startedAt.duration(to: .now)
                metrics.answered(Int(response.status.code))
                metrics.duration.record(duration)
                if let telemetry, let arrived {
                    telemetry.record(
                        method: head.method, requestID: requestID,
                        clientRequestID: head.headers.first(name: "x-ms-client-request-id"), arrived: arrived,
                        duration: duration, response: response)
                }
                if let tracer, let trace {
                    ReplicaSpans.record(
                        tracer, method: head.method, headers: head.headers, requestID: requestID, trace: trace,
                        status: response.status)
                }
                return response
            }
        case "/":
            future = eventLoop.makeSucceededFuture(
                head.method == .GET || head.method == .HEAD
                    ? Self.text("Healthy", status: .ok)
                    : Self.methodNotAllowed(head.method, allowed: "GET, HEAD"))
        case "/ready":
            future = eventLoop.makeSucceededFuture(readiness())
        case "/swagger.json":
            future = eventLoop.makeSucceededFuture(swagger())
        case "/metrics":
            future = eventLoop.makeSucceededFuture(
                ReplicaResponse(
                    status: .ok, headers: ["Content-Type": MetricsRegistry.contentType],
                    body: ByteBuffer(bytes: metrics.registry.exposition())))
        default:
            future = eventLoop.makeSucceededFuture(
                Self.json(
                    status: .notFound,
                    message: "No route '\(path)': a replica serves POST /score, GET /score, GET /, GET /ready, "
                        + "GET /swagger.json and GET /metrics."))
        }
        let clientRequestID = head.headers.first(name: "x-ms-client-request-id")
        let traceID = head.headers.first(name: "TraceId")
        return future.map { response in
            var response = response
            response.headers.replaceOrAdd(name: "x-ms-request-id", value: requestID)
            if let clientRequestID {
                response.headers.replaceOrAdd(name: "x-ms-client-request-id", value: clientRequestID)
            }
            if let traceID { response.headers.replaceOrAdd(name: "TraceId", value: traceID) }
            return response
        }
    }

    /// The 401 for a request without the router's secret (`routerSecret`), or nil when it may be
    /// served; decided from the head alone, so a refused request's body is never collected.
    func refusal(for head: HTTPRequestHead) -> ReplicaResponse? {
        guard !routerSecret.allows(uri: head.uri, headers: head.headers) else { return nil }
        return Self.json(
            status: .unauthorized,
            message: "This replica is reached only through the Berth router, which adds the replica secret "
                + "of the service; send the request to the service's scoring URI instead.")
    }

    /// The answer to a request whose body is over `maxBodyBytes`.
    func payloadTooLarge() -> ReplicaResponse {
        Self.json(
            status: .payloadTooLarge,
            message: "The request body is larger than this replica accepts (\(maxBodyBytes) bytes). "
                + "Send a smaller body.")
    }

    // MARK: Routes

    private func readiness() -> ReplicaResponse {
        let snapshot = pool.snapshot
        let readiness = ReplicaReadiness(
            ready: snapshot.isReady,
            workers: snapshot.workers.map { worker in
                ReplicaReadiness.Worker(
                    worker: worker.slot, state: worker.state, failures: worker.failures, pid: worker.pid.map(Int.init),
                    lastError: worker.lastError.map(summary(of:)))
            })
        let data = (try? BerthJSON.encode(readiness)) ?? Data("{}".utf8)
        return ReplicaResponse(
            status: snapshot.isReady ? .ok : .serviceUnavailable,
            headers: ["Content-Type": "application/json"], body: ByteBuffer(bytes: data))
    }

    private func swagger() -> ReplicaResponse {
        if let document = pool.swagger {
            return ReplicaResponse(status: .ok, headers: ["Content-Type": "application/json"], body: document)
        }
        if !pool.snapshot.isReady {
            return Self.json(
                status: .serviceUnavailable,
                message: "The swagger document is not known yet: no worker has finished init(). Retry when "
                    + "GET /ready answers 200.")
        }
        return Self.json(
            status: .notFound,
            message: "Swagger not found: the entry script's run() has no inference_schema decorators "
                + "(@input_schema/@output_schema) and the source directory has no swagger.json.")
    }

    // MARK: Responses

    /// The response for a worker's answer to a scoring request (`WorkerReply+Response.swift`
    /// says what of the entry script's answer is mended on the way).
    static func response(for reply: WorkerReply) -> ReplicaResponse {
        guard reply.hasFinalStatus else {
            return json(
                status: .internalServerError, runFailed: true,
                message: "run() answered with status \(reply.status), which is not a final HTTP status; "
                    + "return a status from 200 to 599.")
        }
        let status = HTTPResponseStatus(statusCode: reply.status)
        var headers = HTTPHeaders()
        headers.reserveCapacity(reply.headers.count + 2)
        for (name, value) in reply.headers where WorkerReply.isRelayable(name: name, value: value) {
            headers.add(name: name, value: value)
        }
        headers.add(name: "x-ms-run-function-failed", value: reply.runFailed ? "True" : "False")
        headers.add(name: "x-ms-run-fn-exec-ms", value: formatMilliseconds(reply.execMs))
        return ReplicaResponse(
            status: status, headers: headers, body: ReplicaResponse.hasNoBody(status) ? ByteBuffer() : reply.body)
    }

    private func response(for failure: ScoringFailure) -> ReplicaResponse {
        switch failure {
        case .overloaded:
            return Self.json(
                status: .tooManyRequests,
                message: "The replica is at its concurrency limit (--max-concurrent); retry, or add replicas.")
        case .shuttingDown:
            return Self.json(status: .serviceUnavailable, message: "The replica is shutting down; retry on another.")
        case .workerCrashed:
            return Self.json(
                status: .badGateway, runFailed: true,
                message: "The worker running this request exited before answering; it is being restarted. "
                    + "See the replica log for its output.")
        case .timedOut:
            return Self.json(
                status: .gatewayTimeout, runFailed: true,
                message: "Scoring timeout after \(scoringTimeoutMs) ms: run() did not return in time "
                    + "(scoringTimeoutMs); its worker is replaced.")
        case .noHealthyWorker:
            return Self.json(
                status: .serviceUnavailable,
                message: "No worker is ready: init() failed or the workers keep exiting. GET /ready shows "
                    + "the last error; the replica log has the traceback.")
        case .timedOutWaiting:
            return Self.json(
                status: .gatewayTimeout,
                message: "No worker became free within \(scoringTimeoutMs) ms (scoringTimeoutMs); add workers "
                    + "or replicas.")
        }
    }

    private static func text(_ text: String, status: HTTPResponseStatus) -> ReplicaResponse {
        ReplicaResponse(
            status: status, headers: ["Content-Type": "text/html; charset=utf-8"], body: ByteBuffer(string: text))
    }

    private static func methodNotAllowed(_ method: HTTPMethod, allowed: String) -> ReplicaResponse {
        var response = json(status: .methodNotAllowed, message: "Method \(method.rawValue) is not allowed here.")
        response.headers.add(name: "Allow", value: allowed)
        return response
    }

    /// `{"message": …}`, the error shape of Azure's 1.x scoring server; `runFailed` adds
    /// `x-ms-run-function-failed: True` for failures of the scoring call itself.
    static func json(status: HTTPResponseStatus, runFailed: Bool = false, message: String) -> ReplicaResponse {
        // `/` stays as it is (paths in messages), as the replica has always written it.
        let encoder = BerthJSON.encoder()
        encoder.outputFormatting.insert(.withoutEscapingSlashes)
        let body = ByteBuffer(bytes: (try? encoder.encode(ScoringError(message: message))) ?? Data("{}".utf8))
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if runFailed { headers.add(name: "x-ms-run-function-failed", value: "True") }
        return ReplicaResponse(status: status, headers: headers, body: body)
    }
}

/// Splits a request target into its path and its raw query string (without `?`).
private func split(_ uri: String) -> (path: Substring, query: Substring) {
    guard let mark = uri.firstIndex(of: "?") else { return (uri[...], "") }
    return (uri[..<mark], uri[uri.index(after: mark)...])
}

/// `0.412` for 0.41234: Azure's `x-ms-run-fn-exec-ms`, three decimals.
func formatMilliseconds(_ milliseconds: Double) -> String {
    let thousandths = Int((max(0, milliseconds) * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

/// The error body of Azure's 1.x scoring server, `{"message": …}`, which the replica answers in
/// (the router passes it on, and Azure clients read `message`).
struct ScoringError: Codable, Sendable, Hashable {
    var message: String
}
