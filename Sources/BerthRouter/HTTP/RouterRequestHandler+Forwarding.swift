import BerthCore
import NIOCore
import NIOHTTP1

extension RouterRequestHandler {
    /// A request for service `name` checked against its route (tokens, keys, a sendable target)
    /// and made ready for a replica (its body is attached once read), or the answer that refuses it.
    ///
    /// - Parameters:
    ///   - route: the service's route in the table in use; nil when it has no such service.
    ///   - endpoint: the endpoint the request came through (its name goes in messages).
    func plan(
        _ head: RequestHead, service name: String, route: ServiceRoute?, target: String,
        exchange: Exchange, endpoint: String? = nil
    ) -> Decision {
        guard let route else { return .respond(serviceNotFound(name, exchange)) }
        if route.tlsOnly == true, !exchange.overTLS { return .respond(httpsRequired(name, exchange)) }
        if let denial = tokenDenial(head, route: route, exchange, endpoint: endpoint) { return .respond(denial) }
        let authorization = route.authEnabled ? head.authorization : nil
        guard KeyCheck.isAuthorized(authorization, route: route) else {
            if let endpoint {
                return .respond(endpointUnauthorized(endpoint, hasHeader: authorization != nil, exchange))
            }
            return .respond(unauthorized(name, hasHeader: authorization != nil, exchange))
        }
        let request = ReplicaProxy.forwarded(
            head: head, target: target, dropAuthorization: route.authEnabled || route.tokenAuthEnabled,
            replicaSecret: route.replicaSecret, requestID: exchange.id)
        return .forward(ForwardPlan(service: name, route: route, request: request))
    }

    // MARK: Error answers

    /// 403 for a plain-HTTP request to a service whose compute target serves it over TLS only.
    private func httpsRequired(_ name: String, _ exchange: Exchange) -> RouterResponse {
        .error(
            .forbidden, code: "https_required",
            message: "Service '\(name)' is served over HTTPS only (its compute target has TLS). Use its scoring "
                + "URI, which starts with https:// (berth service show -n \(name)).",
            requestID: exchange.requestID)
    }

    private func unauthorized(_ name: String, hasHeader: Bool, _ exchange: Exchange) -> RouterResponse {
        var response = RouterResponse.error(
            .unauthorized, code: "unauthorized",
            message: (hasHeader ? "The key is not valid for service '\(name)'. " : "Service '\(name)' needs a key. ")
                + "Send 'Authorization: Bearer <primary or secondary key>' (berth service get-keys -n \(name)).",
            requestID: exchange.requestID)
        response.headers.add(name: "WWW-Authenticate", value: "Bearer")
        return response
    }

    /// 503 for a request admission turned away.
    func overloaded(_ name: String, _ reason: OverloadReason, _ exchange: Exchange) -> RouterResponse {
        let detail: String
        switch reason {
        case .noReadyReplica:
            detail = "It has no ready replica; retry when its replicas are up (berth service show -n \(name))."
        case .noReachableReplica(let replicas):
            detail =
                "None of its \(replicas) replica(s) took a connection within maxQueueWaitMs (they may be "
                + "restarting); retry shortly, and see 'berth service get-logs -n \(name)' if it lasts."
        case .allReplicasBusy(let replicas, let maxConcurrent):
            detail =
                "All \(replicas) replica(s) stayed at maxConcurrentRequestsPerContainer (\(maxConcurrent)) "
                + "for maxQueueWaitMs; retry later, or add replicas or raise the limits."
        case .queueFull(let limit):
            detail = "Its admission queue is full (\(limit) requests waiting); retry later or add replicas."
        }
        return .retryLater(
            code: "overloaded", message: RouterResponse.overloadedSentence(name) + " " + detail,
            requestID: exchange.requestID, reason: RouterErrorReason(reason))
    }

    /// 503 for a waiting request whose wait was called off.
    func shuttingDown(_ exchange: Exchange) -> RouterResponse {
        .error(
            .serviceUnavailable, code: "shutting_down",
            message: "The router is shutting down; retry the request.", requestID: exchange.requestID)
    }

    /// 504 or 502 for a request no replica answered.
    func response(
        for failure: ReplicaProxy.Failure, _ name: String, _ route: ServiceRoute, _ exchange: Exchange
    ) -> RouterResponse {
        switch failure.kind {
        case .timeout:
            return .error(
                .gatewayTimeout, code: "scoring_timeout",
                message: "Service '\(name)' did not answer within scoringTimeoutMs (\(route.scoringTimeoutMs) ms). "
                    + "Raise scoringTimeoutMs or make run() faster.",
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
