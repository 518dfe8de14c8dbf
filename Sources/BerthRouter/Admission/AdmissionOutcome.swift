import BerthCore

/// A slot on one replica, held while a request is in flight there; hand it back to `release`.
struct AdmissionLease: Hashable, Sendable {
    var service: String
    var replica: ReplicaEndpoint
}

/// Why a request found no room, for the 503's message.
enum OverloadReason: Hashable, Sendable {
    /// The service has no ready replica.
    case noReadyReplica
    /// None of the service's replicas took a connection lately (they died or are restarting,
    /// and the route table does not say so yet).
    case noReachableReplica(replicas: Int)
    /// Every replica held `maxConcurrent` requests for the whole wait.
    case allReplicasBusy(replicas: Int, maxConcurrent: Int)
    /// The queue already held `limit` requests.
    case queueFull(limit: Int)
}

/// How an admission ends for one request.
enum AdmissionOutcome: Hashable, Sendable {
    case assigned(AdmissionLease)
    case unknownService
    case overloaded(OverloadReason)
    /// The waiting request's task was cancelled (server shutting down).
    case cancelled
}
