import BerthCore

/// One endpoint version's recent traffic as a pure value: per-second counters of requests and
/// 5xx answers for the last `maxWindowSeconds`, and a bounded ring of recent latencies for the
/// percentiles. It reads no clock; callers pass the second (`now`) of each event.
///
/// Bounded memory per version whatever the rate: the percentiles are over the most recent
/// `sampleCapacity` requests of the window when more arrived.
struct VersionMetricsWindow {
    static let maxWindowSeconds = 300
    static let sampleCapacity = 4096

    private struct Bucket {
        var second: Int64 = .min
        var requests = 0
        var errors = 0
    }

    private struct Sample {
        var second: Int64
        var microseconds: Int64
    }

    private var buckets = [Bucket](repeating: Bucket(), count: maxWindowSeconds)
    private var samples: [Sample] = []
    private var nextSample = 0

    init() {
        samples.reserveCapacity(Self.sampleCapacity)
    }

    /// Counts one answer with `status`, `latency` after the request arrived, at second `now`.
    mutating func record(status: Int, latency: Duration, now: Int64) {
        let slot = Int(now.magnitude % UInt64(Self.maxWindowSeconds))
        if buckets[slot].second != now { buckets[slot] = Bucket(second: now) }
        buckets[slot].requests += 1
        if status >= 500 { buckets[slot].errors += 1 }
        let parts = latency.components
        let sample = Sample(
            second: now, microseconds: parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000)
        if samples.count < Self.sampleCapacity {
            samples.append(sample)
        } else {
            samples[nextSample] = sample
        }
        nextSample = (nextSample + 1) % Self.sampleCapacity
    }

    /// The numbers of the `window` seconds up to and including `now`.
    func report(version: String, window: Int, now: Int64) -> EndpointVersionMetrics {
        let window = min(max(1, window), Self.maxWindowSeconds)
        let oldest = now - Int64(window) + 1
        var requests = 0
        var errors = 0
        for bucket in buckets where bucket.second >= oldest && bucket.second <= now {
            requests += bucket.requests
            errors += bucket.errors
        }
        let latencies = samples.filter { $0.second >= oldest && $0.second <= now }.map(\.microseconds).sorted()
        func percentile(_ p: Double) -> Double? {
            guard !latencies.isEmpty else { return nil }
            // Nearest rank: the smallest value with at least p of the samples at or below it.
            let rank = Int((p * Double(latencies.count)).rounded(.up))
            return Double(latencies[min(latencies.count, max(1, rank)) - 1]) / 1000
        }
        return EndpointVersionMetrics(
            version: version, windowSeconds: window, requests: requests, errors: errors, p50Ms: percentile(0.50),
            p95Ms: percentile(0.95), p99Ms: percentile(0.99))
    }
}
