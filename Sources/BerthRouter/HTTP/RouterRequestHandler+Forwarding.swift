import BerthCore
import Logging
import NIOCore
import NIOHTTP1

extension RouterRequestHandler {
    /// Checks the key, waits for a replica slot and relays the replica's answer, retrying once
    /// elsewhere when a connection cannot be made and queueing again when a replica says 429.
    func forward(
        _ head: HTTPRequestHead, body: ByteBuffer, service name: String, target: String, exchange: Exchange,
        outbound: Writer, upstreams: UpstreamConnections
    ) async throws -> Bool {
        guard let route = admission.route(named: name) else {
            return try await write(serviceNotFound(name, exchange), exchange, to: outbound)
        }
        guard KeyCheck.isAuthorized(head.headers.first(name: "authorization"), route: route) else {
            return try await write(
                unauthorized(name, hasHeader: head.headers.contains(name: "authorization"), exchange), exchange,
                to: outbound)
        }
        var logger = self.logger
        if logger.logLevel <= .debug {  // Metadata costs allocations; only debug lines use it.
            logger[metadataKey: "request.id"] = "\(exchange.requestID)"
            logger[metadataKey: "service.name"] = "\(name)"
        }
        let request = ReplicaProxy.forwarded(
            head: head, target: target, body: body, dropAuthorization: route.authEnabled || route.tokenAuthEnabled,
            requestID: exchange.requestID)
        var excluded: String?
        var busyRetries = 0
        var scoringDeadline: NIODeadline?
        while true {
            let lease: AdmissionLease
            switch await admission.acquire(service: name, excluding: excluded) {
            case .assigned(let assigned):
                lease = assigned
            case .unknownService:
                return try await write(serviceNotFound(name, exchange), exchange, to: outbound)
            case .overloaded(let reason):
                logger.debug("No replica free", metadata: ["reason": "\(reason)"])
                return try await write(overloaded(name, reason, exchange), exchange, to: outbound)
            case .cancelled:
                return try await write(
                    .error(
                        .serviceUnavailable, code: "shutting_down",
                        message: "The router is shutting down; retry the request.", requestID: exchange.requestID),
                    exchange, to: outbound)
            }
            // The scoring clock starts when the request first leaves for a replica, not while it queues.
            let deadline = scoringDeadline ?? NIODeadline.now() + .milliseconds(Int64(max(1, route.scoringTimeoutMs)))
            scoringDeadline = deadline
            let response: ReplicaProxy.Response
            do {
                response = try await proxy.execute(request, on: lease.replica, via: upstreams, deadline: deadline)
            } catch let failure as ReplicaProxy.Failure {
                admission.release(lease)
                logger.debug(
                    "Replica gave no response", metadata: ["replica.id": "\(lease.replica.id)", "error": "\(failure)"])
                if failure.kind == .connect, excluded == nil,
                    admission.hasReplica(service: name, otherThan: lease.replica.id)
                {
                    excluded = lease.replica.id
                    continue
                }
                return try await write(self.response(for: failure, name, route, exchange), exchange, to: outbound)
            }
            if response.status == .tooManyRequests {
                // The replica is at its own bound although this router counted room (another
                // router, or fewer workers than maxConcurrentRequestsPerContainer): treat it as
                // full and queue again.
                await drain(response, upstreams: upstreams)
                admission.release(lease, replicaWasBusy: true)
                logger.debug("Replica answered 429", metadata: ["replica.id": "\(lease.replica.id)"])
                busyRetries += 1
                if busyRetries <= maxBusyRetries { continue }
                return try await write(
                    overloaded(
                        name,
                        .allReplicasBusy(
                            replicas: route.replicas.count, maxConcurrent: route.maxConcurrentRequestsPerContainer),
                        exchange),
                    exchange, to: outbound)
            }
            defer { admission.release(lease) }
            return try await relay(
                response, from: lease.replica, exchange, outbound: outbound, upstreams: upstreams, logger: logger)
        }
    }

    /// Reads and drops a short body so the connection can be reused; a longer one closes it.
    private func drain(_ response: ReplicaProxy.Response, upstreams: UpstreamConnections) async {
        var drained = 0
        do {
            while let part = try await response.connection.nextPart() {
                drained += part.readableBytes
                if drained > 64 * 1024 { return upstreams.discard(response.connection) }
            }
        } catch {
            upstreams.discard(response.connection)
        }
    }

    /// Streams the replica's response to the client. A 500 whose `x-ms-run-function-failed` is
    /// `True` becomes 502 with the replica's body (run() raised), as azureml-fe does.
    private func relay(
        _ response: ReplicaProxy.Response, from replica: ReplicaEndpoint, _ exchange: Exchange, outbound: Writer,
        upstreams: UpstreamConnections, logger: Logger
    ) async throws -> Bool {
        var headers = HTTPHeaders()
        headers.reserveCapacity(response.headers.count + 2)
        for (name, value) in response.headers {
            if ReplicaProxy.isHopByHop(name) && !ReplicaProxy.equalsIgnoringCase(name, "content-length") { continue }
            headers.add(name: name, value: value)
        }
        let runFailed = response.headers.first(name: "x-ms-run-function-failed")?.lowercased() == "true"
        let status: HTTPResponseStatus =
            response.status == .internalServerError && runFailed ? .badGateway : response.status
        stamp(&headers, exchange, status: status)
        logger.debug(
            "Relaying replica response",
            metadata: [
                "replica.id": "\(replica.id)", "status": "\(response.status.code)", "client.status": "\(status.code)",
            ])
        let responseHead = HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))
        // A small response is usually all here by now: write it in one go (one flush, one syscall).
        let (received, ended) = response.connection.takeBufferedParts()
        if ended {
            var all: [HTTPServerResponsePart] = [responseHead]
            all.reserveCapacity(received.count + 2)
            for part in received { all.append(.body(.byteBuffer(part))) }
            all.append(.end(nil))
            try await outbound.write(contentsOf: all)
            return exchange.keepAlive
        }
        do {
            try await outbound.write(responseHead)
            for part in received { try await outbound.write(.body(.byteBuffer(part))) }
            while let part = try await response.connection.nextPart() {
                try await outbound.write(.body(.byteBuffer(part)))
            }
        } catch {
            upstreams.discard(response.connection)
            // The head is out, so the status cannot change any more: closing the connection is
            // the only way left to tell the client the body is incomplete.
            logger.debug(
                "Response body broke off", metadata: ["replica.id": "\(replica.id)", "error": "\(error)"])
            throw error
        }
        try await outbound.write(.end(nil))
        return exchange.keepAlive
    }

    // MARK: Error answers

    private func unauthorized(_ name: String, hasHeader: Bool, _ exchange: Exchange) -> RouterResponse {
        var response = RouterResponse.error(
            .unauthorized, code: "unauthorized",
            message: (hasHeader ? "The key is not valid for service '\(name)'. " : "Service '\(name)' needs a key. ")
                + "Send 'Authorization: Bearer <primary or secondary key>' (berth service get-keys -n \(name)).",
            requestID: exchange.requestID)
        response.headers.add(name: "WWW-Authenticate", value: "Bearer")
        return response
    }

    private func overloaded(_ name: String, _ reason: OverloadReason, _ exchange: Exchange) -> RouterResponse {
        let detail: String
        switch reason {
        case .noReadyReplica:
            detail = "It has no ready replica; retry when its replicas are up (berth service show -n \(name))."
        case .allReplicasBusy(let replicas, let maxConcurrent):
            detail =
                "All \(replicas) replica(s) stayed at maxConcurrentRequestsPerContainer (\(maxConcurrent)) "
                + "for maxQueueWaitMs; retry later, or add replicas or raise the limits."
        case .queueFull(let limit):
            detail = "Its admission queue is full (\(limit) requests waiting); retry later or add replicas."
        }
        var response = RouterResponse.error(
            .serviceUnavailable, code: "overloaded",
            message: RouterResponse.overloadedSentence(name) + " " + detail, requestID: exchange.requestID)
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }

    private func response(
        for failure: ReplicaProxy.Failure, _ name: String, _ route: ServiceRoute, _ exchange: Exchange
    ) -> RouterResponse {
        switch failure.kind {
        case .timeout:
            return .error(
                .gatewayTimeout, code: "scoring_timeout",
                message: "Service '\(name)' did not answer within scoringTimeoutMs (\(route.scoringTimeoutMs) ms). "
                    + "Raise scoringTimeoutMs or make run() faster.",
                requestID: exchange.requestID)
        case .badTarget:
            return .error(
                .badRequest, code: "bad_request_target",
                message: "The request target is not a valid URL; percent-encode the query string.",
                requestID: exchange.requestID)
        case .connect, .broken, .stale:
            return .error(
                .badGateway, code: "replica_failed",
                message: "A replica of service '\(name)' failed before answering (it may have crashed or been "
                    + "restarted); retry the request. See 'berth service get-logs -n \(name)'.",
                requestID: exchange.requestID)
        }
    }
}
