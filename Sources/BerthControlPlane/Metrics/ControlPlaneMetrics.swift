import BerthMetrics

/// The control plane's own metrics, served at `GET /metrics` on its admin listener: autoscaler
/// decisions and environment cache look-ups and builds, counted into this control plane's
/// registry as they happen; replicas desired and ready, autoscaler utilization and the route
/// table's generation, read when scraped (`MetricsScrapes`).
///
/// Each control plane has its own `MetricsRegistry` (not swift-metrics' process-global system), so
/// tests that run several in one process count apart. The series are made through the registry's
/// own handles rather than swift-metrics' `Counter(label:)`, because those carry no help text and
/// every family here should say what it counts.
struct ControlPlaneMetrics: Sendable {
    let registry = MetricsRegistry()

    /// Counts one applied autoscaler decision that changed `service`'s replicas.
    ///
    /// - Parameter direction: `up` or `down`.
    func scaled(service: String, direction: String) {
        registry.counter(
            "berth_autoscaler_decisions_total", labels: [("service", service), ("direction", direction)],
            help: "Autoscaler decisions that changed a service's replicas, by direction (up or down)."
        ).increment()
    }

    /// Counts one environment look-up: `cache` is `workspace`, `machine` or `system` for a hit,
    /// nil for a miss (a build, `build` long, that succeeded or not).
    func environmentLookedUp(cache: String?, build: Duration?, succeeded: Bool) {
        if let cache {
            registry.counter(
                "berth_environment_cache_hits_total", labels: [("cache", cache)],
                help: "Environment look-ups answered from a cache (workspace, machine) or the system Python."
            ).increment()
            return
        }
        registry.counter(
            "berth_environment_cache_misses_total",
            help: "Environment look-ups that found no cached environment and built one."
        ).increment()
        if let build {
            registry.histogram(
                "berth_environment_build_seconds", labels: [("result", succeeded ? "succeeded" : "failed")],
                buckets: MetricBuckets.build, help: "Seconds an environment build took, by result."
            ).record(build)
        }
    }
}
