import BerthCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One client connection to an HTTP/1.1 router connection, as NIO hands it over.
typealias RouterChannel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// Serves the requests of one client connection in turn: collects each body (bounded), answers
/// what the router answers itself, and forwards scoring and swagger requests through admission
/// to a replica (`RouterRequestHandler+Forwarding.swift`).
struct RouterRequestHandler: Sendable {
    let admission: Admission<ContinuousClock>
    /// Token keys, endpoint splits and per-version metrics of the current route table.
    let rollout: RolloutTables
    let proxy: ReplicaProxy
    let maxBodyBytes: Int
    let maxBusyRetries: Int
    let logger: Logger

    typealias Parts = NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    typealias Writer = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    /// What every response of one request carries.
    struct Exchange: Sendable {
        var requestID: String
        var clientRequestID: String?
        var keepAlive: Bool
        /// The endpoint version that serves the request, for `x-berth-endpoint-version` and the
        /// per-version metrics; nil for service requests.
        var endpoint: EndpointExchange? = nil
    }

    /// Serves the connection until the client closes it or a response needs it closed; never throws,
    /// since one connection's failure must not reach the server.
    func serve(_ channel: RouterChannel) async {
        do {
            let upstreams = proxy.connections(on: channel.channel.eventLoop)
            defer { upstreams.closeAll() }
            try await channel.executeThenClose { inbound, outbound in
                var parts = inbound.makeAsyncIterator()
                while let part = try await parts.next() {
                    guard case .head(let head) = part else { continue }
                    guard try await handle(head, parts: &parts, outbound: outbound, upstreams: upstreams) else {
                        return
                    }
                }
            }
        } catch is CancellationError {
            // The router is stopping; nothing to report.
        } catch {
            logger.debug("Client connection closed on an error", metadata: ["error": "\(error)"])
        }
    }

    /// Answers one request; returns whether the connection stays open for the next.
    private func handle(
        _ head: HTTPRequestHead, parts: inout Parts, outbound: Writer, upstreams: UpstreamConnections
    ) async throws -> Bool {
        let exchange = Exchange(
            requestID: RequestIDs.next(),
            clientRequestID: head.headers.first(name: "x-ms-client-request-id"),
            keepAlive: head.isKeepAlive)
        guard let body = try await collectBody(head, parts: &parts, outbound: outbound, exchange: exchange) else {
            return false
        }
        switch RouterPath(uri: head.uri) {
        case .routerHealth:
            return try await write(.text("Healthy"), exchange, to: outbound)
        case .unknown(let path):
            return try await write(
                .error(
                    .notFound, code: "route_not_found",
                    message: "No route '\(path)'. The router serves POST|GET /api/v1/service/<name>/score, "
                        + "GET /api/v1/service/<name>/swagger.json and POST|GET /api/v1/endpoint/<name>[/<version>]/score.",
                    requestID: exchange.requestID), exchange, to: outbound)
        case .endpointScore(let endpoint, let version, let query):
            guard head.method == .POST || head.method == .GET else {
                return try await write(
                    methodNotAllowed(head.method, allowed: "GET, POST", exchange), exchange, to: outbound)
            }
            return try await forwardToEndpoint(
                head, body: body, endpoint: endpoint, version: version, query: query, exchange: exchange,
                outbound: outbound, upstreams: upstreams)
        case .serviceHealth(let name):
            return try await write(serviceHealth(String(name), exchange), exchange, to: outbound)
        case .score(let name, let query):
            guard head.method == .POST || head.method == .GET else {
                return try await write(
                    methodNotAllowed(head.method, allowed: "GET, POST", exchange), exchange, to: outbound)
            }
            if let denial = tokenDenial(head, service: String(name), exchange) {
                return try await write(denial, exchange, to: outbound)
            }
            return try await forward(
                head, body: body, service: String(name), target: "/score" + (query.map { "?\($0)" } ?? ""),
                exchange: exchange, outbound: outbound, upstreams: upstreams)
        case .swagger(let name, let query):
            guard head.method == .GET else {
                return try await write(methodNotAllowed(head.method, allowed: "GET", exchange), exchange, to: outbound)
            }
            if let denial = tokenDenial(head, service: String(name), exchange) {
                return try await write(denial, exchange, to: outbound)
            }
            return try await forward(
                head, body: body, service: String(name), target: "/swagger.json" + (query.map { "?\($0)" } ?? ""),
                exchange: exchange, outbound: outbound, upstreams: upstreams)
        }
    }

    // MARK: Body

    /// The whole request body, or nil when it was over `maxBodyBytes` (413 written, connection to
    /// close) or the client went away.
    private func collectBody(
        _ head: HTTPRequestHead, parts: inout Parts, outbound: Writer, exchange: Exchange
    ) async throws -> ByteBuffer? {
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > maxBodyBytes {
            try await refuseTooLarge(parts: &parts, outbound: outbound, exchange: exchange)
            return nil
        }
        var body = ByteBuffer()
        while let part = try await parts.next() {
            switch part {
            case .body(var chunk):
                guard body.readableBytes + chunk.readableBytes <= maxBodyBytes else {
                    try await refuseTooLarge(parts: &parts, outbound: outbound, exchange: exchange)
                    return nil
                }
                if body.readableBytes == 0 { body = chunk } else { body.writeBuffer(&chunk) }
            case .end:
                return body
            case .head:
                return nil  // A new request before this one ended: not HTTP/1.1.
            }
        }
        return nil
    }

    /// Writes 413 and reads (and drops) what the client still sends, up to a bound, so the client
    /// reads the answer instead of a connection reset; then the connection closes.
    private func refuseTooLarge(parts: inout Parts, outbound: Writer, exchange: Exchange) async throws {
        var closing = exchange
        closing.keepAlive = false
        let response = RouterResponse.error(
            .payloadTooLarge, code: "payload_too_large",
            message: "The request body is larger than the router accepts (\(maxBodyBytes) bytes). Send a smaller body.",
            requestID: exchange.requestID)
        _ = try await write(response, closing, to: outbound)
        var drained = 0
        while drained < Self.drainLimitBytes, let part = try await parts.next() {
            switch part {
            case .body(let chunk): drained += chunk.readableBytes
            case .end, .head: return
            }
        }
    }

    private static let drainLimitBytes = 8 * 1024 * 1024

    // MARK: Own answers

    private func serviceHealth(_ name: String, _ exchange: Exchange) -> RouterResponse {
        guard let route = admission.route(named: name) else { return serviceNotFound(name, exchange) }
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

    // MARK: Writing

    /// Writes a complete response with the exchange's headers; returns whether to keep the connection.
    func write(_ response: RouterResponse, _ exchange: Exchange, to outbound: Writer) async throws -> Bool {
        var headers = response.headers
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        stamp(&headers, exchange, status: response.status)
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: response.status, headers: headers)))
        if response.body.readableBytes > 0 { try await outbound.write(.body(.byteBuffer(response.body))) }
        try await outbound.write(.end(nil))
        return exchange.keepAlive
    }

    /// Adds the request ids every response carries, and `Connection: close` when closing.
    ///
    /// Called once per response, with its status, just before the head is written.
    func stamp(_ headers: inout HTTPHeaders, _ exchange: Exchange, status: HTTPResponseStatus) {
        headers.replaceOrAdd(name: "x-ms-request-id", value: exchange.requestID)
        if let endpoint = exchange.endpoint {
            headers.replaceOrAdd(name: "x-berth-endpoint-version", value: endpoint.version)
            rollout.metrics.record(
                endpoint: endpoint.endpoint, version: endpoint.version, status: Int(status.code),
                startedAt: endpoint.startedAt)
        }
        if let clientRequestID = exchange.clientRequestID {
            headers.replaceOrAdd(name: "x-ms-client-request-id", value: clientRequestID)
        }
        if !exchange.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
    }
}
