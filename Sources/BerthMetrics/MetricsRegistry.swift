import CoreMetrics
import Prometheus
import Synchronization

/// One process's metrics (or one component's, in a test that runs many in one process), served
/// as Prometheus text by its `/metrics`.
///
/// Each server, router and replica is given its own registry instead of sharing swift-metrics'
/// process-global one, so tests that run many of them in one process can assert exact counts.
/// Hot paths create their handles (`counter`, `histogram`) once and only touch atomics per event;
/// cold paths may use swift-metrics' API through `factory`. Values that are cheaper to read at
/// scrape time than to keep up to date (requests in flight, replicas ready) come from
/// `addCollector`.
///
/// ```swift
/// let metrics = MetricsRegistry()
/// let scores = metrics.counter("berth_example_total", labels: [("service", "echo")], help: "Scores.")
/// scores.increment()
/// let text = metrics.exposition()   // "# HELP berth_example_total Scores.\n# TYPE …"
/// ```
public final class MetricsRegistry: Sendable {
    private let prometheus = PrometheusCollectorRegistry()
    private let collectors = Mutex<[@Sendable (inout MetricsTextWriter) -> Void]>([])
    private let histograms = SeriesTable<AtomicDurationHistogram>()
    private let counters = SeriesTable<ShardedCounter>()
    /// Cells per counter and histogram, so that threads counting apart share no cache line.
    private let shards: Int

    /// swift-metrics' face of this registry (`Counter(label:dimensions:factory:)`,
    /// `Timer(label:dimensions:factory:)`), for libraries that speak swift-metrics: names are used
    /// as they are, so give them in Prometheus form (`berth_…_total`, `…_seconds`); timers get
    /// `MetricBuckets.latency`. Its families have no `# HELP` (swift-metrics has no help text), so
    /// Berth's own series use `counter` and `histogram`.
    public let factory: any MetricsFactory

    /// - Parameter shards: cells per counter and histogram; a thread that always passes its own
    ///   shard (`0..<shards`) to `increment` and `record` shares no cache line with the others (the
    ///   router passes its event loop's index). Default 1.
    public init(shards: Int = 1) {
        self.shards = max(1, shards)
        var factory = PrometheusMetricsFactory(registry: prometheus)
        factory.defaultDurationHistogramBuckets = MetricBuckets.latency
        self.factory = factory
    }

    /// The Prometheus text exposition format's content type, which `/metrics` answers with.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// A counter, created once (the same name and labels give the same one); its increments are
    /// atomic additions in the caller's shard.
    ///
    /// - Parameters:
    ///   - name: a Prometheus name ending in `_total`.
    ///   - labels: bounded values only (service names, replica ids, closed reasons), never ids of requests.
    ///   - help: one sentence; the first series of a name sets it.
    public func counter(_ name: String, labels: [(String, String)] = [], help: String) -> MetricCounter {
        MetricCounter(
            base: counters.series(name, labels: labels, newFamily: MetricFamily(help: help)) { _ in
                ShardedCounter(name: name, labels: labels, shards: shards)
            })
    }

    /// A gauge, created once (the same name and labels give the same one).
    public func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> MetricGauge {
        MetricGauge(base: prometheus.makeGauge(name: name, labels: labels, help: help))
    }

    /// A histogram of durations, exported in seconds, whose `record` takes no lock (a few atomic
    /// additions), created once (the same name and labels give the same one).
    ///
    /// - Parameter buckets: upper bounds; every series of a name uses the first one's.
    public func histogram(
        _ name: String, labels: [(String, String)] = [], buckets: [Duration] = MetricBuckets.latency, help: String
    ) -> MetricHistogram {
        MetricHistogram(
            base: histograms.series(name, labels: labels, newFamily: MetricFamily(help: help, bounds: buckets)) {
                family in
                AtomicDurationHistogram(name: name, labels: labels, bounds: family.bounds, shards: shards)
            })
    }

    /// Drops a counter's series from the output (a service or replica that is gone).
    public func remove(_ counter: MetricCounter) {
        counters.remove(counter.base)
    }

    /// Drops a histogram's series from the output.
    public func remove(_ histogram: MetricHistogram) {
        histograms.remove(histogram.base)
    }

    /// Drops a gauge's series from the output.
    public func remove(_ gauge: MetricGauge) {
        prometheus.unregisterGauge(gauge.base)
    }

    /// Adds families that are read at scrape time: `collect` writes them each time `/metrics` is
    /// read. It must not block, and its names must not be registered as handles too.
    public func addCollector(_ collect: @escaping @Sendable (inout MetricsTextWriter) -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    /// Everything in the text exposition format: the handles' series, then the collectors'.
    public func exposition() -> [UInt8] {
        var bytes: [UInt8] = []
        prometheus.emit(into: &bytes)
        var writer = MetricsTextWriter(bytes: bytes)
        counters.write(type: "counter", to: &writer)
        histograms.write(type: "histogram", to: &writer)
        for collect in collectors.withLock({ $0 }) { collect(&writer) }
        return writer.bytes
    }

    /// `exposition()` as a string.
    public func expositionText() -> String {
        String(decoding: exposition(), as: UTF8.self)
    }
}
