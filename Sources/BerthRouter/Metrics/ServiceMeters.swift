import BerthMetrics

/// The metric handles of one service of the route table, made when a table brings the service
/// (or a new replica of it) and read by requests without a lock: each request only adds to
/// atomics and histograms through them (`RouterMetrics`).
final class ServiceMeters: Sendable {
    /// The `service` label; empty for requests that named no known service.
    let service: String
    /// From request head to response head.
    let total: MetricHistogram
    /// From sending to a replica to its response head.
    let upstream: MetricHistogram
    /// `run()` as the replica timed it (`x-ms-run-fn-exec-ms`).
    let run: MetricHistogram
    /// Time in the admission queue, of requests that waited.
    let queueWait: MetricHistogram
    /// Answers by replica id.
    let replicas: [String: ReplicaMeters]
    /// Answers no replica gave or was chosen for (401, 404, 503 before a slot, …).
    let noReplica: ReplicaMeters
    /// The router's own error answers, indexed by `RouterErrorReason.rawValue`.
    let errors: [MetricCounter]

    /// Labels of the series of one service: its name, and its endpoint and version when it runs one.
    struct Labels: Hashable {
        var service: String
        var endpoint: String
        var version: String
    }

    let labels: Labels

    init(labels: Labels, replicaIDs: [String], registry: MetricsRegistry, reusing previous: ServiceMeters?) {
        self.labels = labels
        service = labels.service
        let byService = [("service", labels.service)]
        total = registry.histogram(
            "berth_router_request_duration_seconds", labels: byService,
            help: "Time from a request's head to its response's head at the router, per service.")
        upstream = registry.histogram(
            "berth_router_upstream_duration_seconds", labels: byService,
            help: "Time from sending a request to a replica to the replica's response head, per service.")
        run = registry.histogram(
            "berth_router_run_duration_seconds", labels: byService,
            help: "Time the entry script's run() took, as replicas report it (x-ms-run-fn-exec-ms), per service.")
        queueWait = registry.histogram(
            "berth_router_queue_wait_seconds", labels: byService,
            help: "Time requests that found every replica full waited in the admission queue, per service.")
        var replicas: [String: ReplicaMeters] = [:]
        for id in replicaIDs {
            replicas[id] =
                previous?.replicas[id] ?? ReplicaMeters(labels: labels, replica: id, registry: registry)
        }
        self.replicas = replicas
        noReplica = previous?.noReplica ?? ReplicaMeters(labels: labels, replica: "", registry: registry)
        errors = RouterErrorReason.allCases.map { reason in
            registry.counter(
                "berth_router_errors_total",
                labels: [("service", labels.service), ("status", String(reason.status)), ("reason", reason.label)],
                help: "Error answers the router gave itself, per service, status and reason.")
        }
    }

    /// Counts one error answer of the router's own, in the caller's metrics shard.
    func error(_ reason: RouterErrorReason, shard: Int) {
        errors[reason.rawValue].increment(shard: shard)
    }

    /// Drops this service's series from the registry (it left the route table).
    func remove(from registry: MetricsRegistry) {
        for histogram in [total, upstream, run, queueWait] { registry.remove(histogram) }
        for counter in errors { registry.remove(counter) }
        for replica in replicas.values { replica.remove(from: registry) }
        noReplica.remove(from: registry)
    }
}

/// The counters of one replica of a service (or of none: `ServiceMeters.noReplica`).
final class ReplicaMeters: Sendable {
    /// Answers by status class (`StatusClass.index(of:)`).
    let answers: [MetricCounter]
    /// 429s the replica answered, after which the router queued the request again.
    let busy: MetricCounter?

    init(labels: ServiceMeters.Labels, replica: String, registry: MetricsRegistry) {
        answers = StatusClass.all.map { statusClass in
            registry.counter(
                "berth_router_requests_total",
                labels: [
                    ("service", labels.service), ("endpoint", labels.endpoint), ("version", labels.version),
                    ("replica", replica), ("status_class", statusClass),
                ],
                help: "Requests the router answered, per service, endpoint version, replica and status class.")
        }
        busy =
            replica.isEmpty
            ? nil
            : registry.counter(
                "berth_router_replica_busy_total", labels: [("service", labels.service), ("replica", replica)],
                help: "429 answers of replicas at their limit, after which the router queued the request again.")
    }

    /// Counts one answer with status `code`, in the caller's metrics shard.
    func answered(_ code: Int, shard: Int) {
        answers[StatusClass.index(of: code)].increment(shard: shard)
    }

    func remove(from registry: MetricsRegistry) {
        for counter in answers { registry.remove(counter) }
        if let busy { registry.remove(busy) }
    }
}
