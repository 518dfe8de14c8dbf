import Synchronization

/// A histogram of durations whose `record` is three relaxed atomic additions and no lock, for
/// the router's request path (swift-prometheus' histogram takes a lock and touches every bucket
/// per observation). Bucket counts are kept apart and made cumulative only when scraped.
final class AtomicDurationHistogram: Sendable {
    let name: String
    let labels: [(String, String)]
    /// Upper bounds in nanoseconds, ascending.
    private let bounds: [Int64]
    /// One counter per bound, and one for `+Inf`.
    private let counts: [Cell]
    private let sumNanoseconds = Atomic<Int64>(0)
    private let count = Atomic<Int64>(0)

    private final class Cell: Sendable {
        let value = Atomic<Int64>(0)
    }

    init(name: String, labels: [(String, String)], bounds: [Duration]) {
        self.name = name
        self.labels = labels
        self.bounds = bounds.map(Self.nanoseconds).sorted()
        counts = (0...bounds.count).map { _ in Cell() }
    }

    func record(_ duration: Duration) {
        let nanoseconds = max(0, Self.nanoseconds(duration))
        var index = 0
        while index < bounds.count && bounds[index] < nanoseconds { index += 1 }
        counts[index].value.add(1, ordering: .relaxed)
        sumNanoseconds.add(nanoseconds, ordering: .relaxed)
        count.add(1, ordering: .relaxed)
    }

    /// The `_bucket`, `_sum` and `_count` lines.
    func write(to writer: inout MetricsTextWriter) {
        var cumulative: Int64 = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += counts[index].value.load(ordering: .relaxed)
            writer.sample(
                name + "_bucket", labels: labels + [("le", MetricsTextWriter.format(Double(bound) / 1e9))],
                value: Double(cumulative))
        }
        cumulative += counts[bounds.count].value.load(ordering: .relaxed)
        writer.sample(name + "_bucket", labels: labels + [("le", "+Inf")], value: Double(cumulative))
        writer.sample(
            name + "_sum", labels: labels, value: Double(sumNanoseconds.load(ordering: .relaxed)) / 1e9)
        writer.sample(name + "_count", labels: labels, value: Double(count.load(ordering: .relaxed)))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}

/// The histograms of one name: their help, bounds and series by label values.
struct HistogramFamily: Sendable {
    var help: String
    var bounds: [Duration]
    var series: [[String]: AtomicDurationHistogram] = [:]
}
