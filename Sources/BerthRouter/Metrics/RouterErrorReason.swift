/// Why the router answered a request itself with an error: the closed set of values of the
/// `reason` label of `berth_router_errors_total` (the error codes of its JSON bodies).
enum RouterErrorReason: Int, CaseIterable, Sendable {
    case serviceNotFound, routeNotFound, endpointNotFound, endpointVersionNotFound, noTraffic
    case methodNotAllowed, unauthorized, httpsRequired, payloadTooLarge, bodyBudget, requestTimeout
    case noReadyReplica, noReachableReplica, allReplicasBusy, queueFull, shuttingDown
    case scoringTimeout, replicaFailed, other

    /// The label value: the code of the error body where one code means one reason.
    var label: String {
        switch self {
        case .serviceNotFound: "service_not_found"
        case .routeNotFound: "route_not_found"
        case .endpointNotFound: "endpoint_not_found"
        case .endpointVersionNotFound: "endpoint_version_not_found"
        case .noTraffic: "no_traffic"
        case .methodNotAllowed: "method_not_allowed"
        case .unauthorized: "unauthorized"
        case .httpsRequired: "https_required"
        case .payloadTooLarge: "payload_too_large"
        case .bodyBudget: "body_budget"
        case .requestTimeout: "request_timeout"
        case .noReadyReplica: "no_ready_replica"
        case .noReachableReplica: "no_reachable_replica"
        case .allReplicasBusy: "all_replicas_busy"
        case .queueFull: "queue_full"
        case .shuttingDown: "shutting_down"
        case .scoringTimeout: "scoring_timeout"
        case .replicaFailed: "replica_failed"
        case .other: "other"
        }
    }

    /// The status the router answers with for this reason.
    var status: Int {
        switch self {
        case .serviceNotFound, .routeNotFound, .endpointNotFound, .endpointVersionNotFound: 404
        case .methodNotAllowed: 405
        case .unauthorized: 401
        case .httpsRequired: 403
        case .payloadTooLarge: 413
        case .requestTimeout: 408
        case .noTraffic, .bodyBudget, .noReadyReplica, .noReachableReplica, .allReplicasBusy, .queueFull,
            .shuttingDown:
            503
        case .scoringTimeout: 504
        case .replicaFailed: 502
        case .other: 500
        }
    }

    /// The reason of an error body with `code` and `status`: every 401 is `unauthorized` (keys and
    /// tokens have several codes); otherwise the reason whose `label` is the code, and `other` for a
    /// code with no reason of its own (`overloaded` is several: admission passes its reason).
    init(code: String, status: Int) {
        if status == 401 {
            self = .unauthorized
            return
        }
        self = Self.allCases.first { $0.label == code } ?? .other
    }

    /// The reason of an admission refusal.
    init(_ reason: OverloadReason) {
        switch reason {
        case .noReadyReplica: self = .noReadyReplica
        case .noReachableReplica: self = .noReachableReplica
        case .allReplicasBusy: self = .allReplicasBusy
        case .queueFull: self = .queueFull
        }
    }
}
