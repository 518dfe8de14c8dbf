import BerthMetrics

/// The replica's Prometheus metrics, served at its `GET /metrics`: scoring answers by status
/// class, the time each took here and in `run()`, and its workers' crashes and restarts.
///
/// Series carry no `service` or `replica` label: the process is one replica, and whoever scrapes
/// it knows which (the control plane's per-cluster target adds both, `GET /api/v1/computes/<name>/metrics`).
struct ReplicaMetrics: Sendable {
    let registry: MetricsRegistry
    /// `/score` answers by status class (`StatusClass.index(of:)`).
    private let answers: [MetricCounter]
    /// From a scoring request's arrival (whole body read) to its answer.
    let duration: MetricHistogram
    /// `run()` as the worker timed it (`x-ms-run-fn-exec-ms`).
    let run: MetricHistogram
    /// Workers that exited or were killed while the replica was not shutting down.
    let crashes: MetricCounter
    /// Workers started again after one exited.
    let restarts: MetricCounter
    /// `init()` calls that raised.
    let initFailures: MetricCounter

    init(registry: MetricsRegistry) {
        self.registry = registry
        answers = StatusClass.all.map { statusClass in
            registry.counter(
                "berth_replica_requests_total", labels: [("status_class", statusClass)],
                help: "Scoring requests this replica answered, per status class.")
        }
        duration = registry.histogram(
            "berth_replica_request_duration_seconds",
            help: "Time from a scoring request's arrival at the replica to its answer.")
        run = registry.histogram(
            "berth_replica_run_duration_seconds", help: "Time the entry script's run() took (x-ms-run-fn-exec-ms).")
        crashes = registry.counter(
            "berth_replica_worker_crashes_total",
            help: "Workers that exited or were killed (scoring timeout, broken protocol) outside a shutdown.")
        restarts = registry.counter(
            "berth_replica_worker_restarts_total", help: "Workers started again after one exited.")
        initFailures = registry.counter(
            "berth_replica_worker_init_failures_total", help: "Calls of the entry script's init() that raised.")
    }

    /// The counters of request telemetry lines written, and dropped per reason; made only for a
    /// replica that records telemetry, so the others' metrics do not change.
    func telemetryCounters() -> (written: MetricCounter, dropped: [RequestTelemetryRecorder.DropReason: MetricCounter])
    {
        let written = registry.counter(
            "berth_replica_telemetry_lines_total", help: "Request telemetry lines written (appInsightsEnabled).")
        var drops: [RequestTelemetryRecorder.DropReason: MetricCounter] = [:]
        for reason in [RequestTelemetryRecorder.DropReason.queueFull, .writeFailed] {
            drops[reason] = registry.counter(
                "berth_replica_telemetry_dropped_total", labels: [("reason", reason.rawValue)],
                help: "Request telemetry lines not written (appInsightsEnabled), per reason.")
        }
        return (written, drops)
    }

    /// Counts one scoring answer with status `code`.
    func answered(_ code: Int) {
        answers[StatusClass.index(of: code)].increment()
    }

    /// Adds the families read from the pool at scrape time.
    func collect(from pool: WorkerPool) {
        registry.addCollector { [weak pool] writer in
            guard let snapshot = pool?.snapshot else { return }
            writer.family("berth_replica_workers_ready", type: "gauge", help: "Workers ready to score (init() done).")
            writer.sample(
                "berth_replica_workers_ready",
                value: Double(snapshot.workers.filter { $0.state == "ready" || $0.state == "busy" }.count))
            writer.family("berth_replica_workers", type: "gauge", help: "Worker slots of this replica.")
            writer.sample("berth_replica_workers", value: Double(snapshot.workers.count))
        }
    }
}
