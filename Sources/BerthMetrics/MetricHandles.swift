import Prometheus

/// A counter of a `MetricsRegistry`: one atomic addition per `increment`, no lock.
public struct MetricCounter: Sendable {
    let base: ShardedCounter

    /// Adds `amount` (not negative) in the caller's `shard` (see `MetricsRegistry.init(shards:)`).
    public func increment(by amount: Int64 = 1, shard: Int = 0) {
        base.increment(by: amount, shard: shard)
    }
}

/// A gauge of a `MetricsRegistry`.
public struct MetricGauge: Sendable {
    let base: Prometheus.Gauge

    /// Sets the value.
    public func set(_ value: Double) {
        base.set(value)
    }

    /// Adds `amount` (negative to subtract).
    public func add(_ amount: Double) {
        base.increment(by: amount)
    }
}

/// A histogram of durations of a `MetricsRegistry`, exported in seconds; a record is a few
/// atomic additions.
public struct MetricHistogram: Sendable {
    let base: AtomicDurationHistogram

    /// Counts one observation of `duration` in the caller's `shard` (see `MetricsRegistry.init(shards:)`).
    public func record(_ duration: Duration, shard: Int = 0) {
        base.record(duration, shard: shard)
    }

    /// Counts one observation of `milliseconds`.
    public func record(milliseconds: Double, shard: Int = 0) {
        guard milliseconds.isFinite, milliseconds >= 0, milliseconds < 1e12 else { return }
        base.record(.nanoseconds(Int64(milliseconds * 1_000_000)), shard: shard)
    }
}

/// Histogram bucket bounds shared by Berth's metrics, so series of one name always agree.
public enum MetricBuckets {
    /// Request and step latencies, 1 ms to 60 s (the default `scoringTimeoutMs`).
    public static let latency: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]

    /// Long steps (environment builds, replica starts), 1 s to 30 min.
    public static let build: [Duration] = [
        .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
        .seconds(600), .seconds(1800),
    ]
}

/// The class of an HTTP status for a `status_class` label: `1xx` … `5xx` (anything else `5xx`).
public enum StatusClass {
    /// The five label values, in order.
    public static let all = ["1xx", "2xx", "3xx", "4xx", "5xx"]

    /// The index in `all` of `code`'s class.
    public static func index(of code: Int) -> Int {
        let index = code / 100 - 1
        return index >= 0 && index < 5 ? index : 4
    }
}
