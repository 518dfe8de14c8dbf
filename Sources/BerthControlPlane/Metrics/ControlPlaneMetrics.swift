import BerthMetrics
import CoreMetrics

/// The control plane's own metrics, served at `GET /metrics` on its admin listener: autoscaler
/// decisions and environment cache look-ups and builds, counted through swift-metrics into this
/// control plane's registry as they happen; replicas desired and ready, autoscaler utilization and
/// the route table's generation, read when scraped (`MetricsRoutes`).
///
/// Each control plane has its own `MetricsRegistry` (not swift-metrics' process-global system), so
/// tests that run several in one process count apart.
struct ControlPlaneMetrics: Sendable {
    let registry: MetricsRegistry

    init() {
        registry = MetricsRegistry(timerBuckets: ["berth_environment_build_seconds": MetricBuckets.build])
    }

    /// Counts one applied autoscaler decision that changed `service`'s replicas.
    ///
    /// - Parameter direction: `up` or `down`.
    func scaled(service: String, direction: String) {
        CoreMetrics.Counter(
            label: "berth_autoscaler_decisions_total", dimensions: [("service", service), ("direction", direction)],
            factory: registry.factory
        ).increment()
    }

    /// Counts one environment look-up: `cache` is `workspace`, `machine` or `system` for a hit,
    /// nil for a miss (a build, `seconds` long, that succeeded or not).
    func environmentLookedUp(cache: String?, build: Duration?, succeeded: Bool) {
        if let cache {
            CoreMetrics.Counter(
                label: "berth_environment_cache_hits_total", dimensions: [("cache", cache)], factory: registry.factory
            )
            .increment()
            return
        }
        CoreMetrics.Counter(label: "berth_environment_cache_misses_total", factory: registry.factory).increment()
        if let build {
            CoreMetrics.Timer(
                label: "berth_environment_build_seconds",
                dimensions: [("result", succeeded ? "succeeded" : "failed")], factory: registry.factory
            ).recordNanoseconds(build.saturatingNanoseconds)
        }
    }
}
