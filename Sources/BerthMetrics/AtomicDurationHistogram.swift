import Synchronization

/// One atomic count alone on its cache line, so two threads counting in two cells never write
/// the same line.
final class PaddedCell: Sendable {
    let value = Atomic<Int64>(0)
    private let padding: (Int64, Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0, 0)
}

/// A counter kept in one cell per shard (`MetricsRegistry`'s `shards`), summed when scraped: a
/// thread that counts in its own shard (the router's event loop `i` in shard `i`) shares no cache
/// line with the others, where one shared atomic would bounce between the cores on every request.
final class ShardedCounter: RegistrySeries {
    let name: String
    let labels: [(String, String)]
    private let cells: [PaddedCell]

    init(name: String, labels: [(String, String)], shards: Int) {
        self.name = name
        self.labels = labels
        cells = (0..<max(1, shards)).map { _ in PaddedCell() }
    }

    func increment(by amount: Int64, shard: Int) {
        cells[shard % cells.count].value.add(amount, ordering: .relaxed)
    }

    var value: Int64 { cells.reduce(0) { $0 + $1.value.load(ordering: .relaxed) } }

    func write(to writer: inout MetricsTextWriter) {
        writer.sample(name, labels: labels, value: Double(value))
    }
}

/// A histogram of durations whose `record` is three relaxed atomic additions in the recording
/// thread's shard and no lock, for the router's request path (swift-prometheus' histogram takes a
/// lock and touches every bucket per observation). Bucket counts are kept apart and made
/// cumulative, and shards summed, only when scraped.
final class AtomicDurationHistogram: RegistrySeries {
    let name: String
    let labels: [(String, String)]
    /// Upper bounds in nanoseconds, ascending.
    private let bounds: [Int64]
    /// Per shard: one cell per bound, one for `+Inf`, then the sum in nanoseconds and the count.
    private let shards: [[PaddedCell]]

    init(name: String, labels: [(String, String)], bounds: [Duration], shards: Int) {
        self.name = name
        self.labels = labels
        self.bounds = bounds.map(\.saturatingNanoseconds).sorted()
        self.shards = (0..<max(1, shards)).map { _ in (0..<(bounds.count + 3)).map { _ in PaddedCell() } }
    }

    func record(_ duration: Duration, shard: Int) {
        let nanoseconds = max(0, duration.saturatingNanoseconds)
        var index = 0
        while index < bounds.count && bounds[index] < nanoseconds { index += 1 }
        let cells = shards[shard % shards.count]
        cells[index].value.add(1, ordering: .relaxed)
        cells[bounds.count + 1].value.add(nanoseconds, ordering: .relaxed)
        cells[bounds.count + 2].value.add(1, ordering: .relaxed)
    }

    /// The `_bucket`, `_sum` and `_count` lines.
    func write(to writer: inout MetricsTextWriter) {
        func total(_ index: Int) -> Int64 { shards.reduce(0) { $0 + $1[index].value.load(ordering: .relaxed) } }
        var cumulative: Int64 = 0
        for (index, bound) in bounds.enumerated() {
            cumulative += total(index)
            writer.sample(
                name + "_bucket", labels: labels + [("le", MetricsTextWriter.format(Double(bound) / 1e9))],
                value: Double(cumulative))
        }
        cumulative += total(bounds.count)
        writer.sample(name + "_bucket", labels: labels + [("le", "+Inf")], value: Double(cumulative))
        writer.sample(name + "_sum", labels: labels, value: Double(total(bounds.count + 1)) / 1e9)
        writer.sample(name + "_count", labels: labels, value: Double(total(bounds.count + 2)))
    }
}
