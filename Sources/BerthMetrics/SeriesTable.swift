import Synchronization

/// A series that `MetricsRegistry` keeps itself (not swift-prometheus): a `ShardedCounter` or an
/// `AtomicDurationHistogram`, found by name and labels and written at scrape time.
protocol RegistrySeries: AnyObject, Sendable {
    var name: String { get }
    var labels: [(String, String)] { get }
    func write(to writer: inout MetricsTextWriter)
}

/// The series of one kind by name and label values, behind a lock taken only when a handle is
/// made or dropped and when scraped: one set of rules (the same name and labels give the same
/// series; the first series of a name sets its help and bounds) for counters and histograms.
final class SeriesTable<Series: RegistrySeries>: Sendable {
    private let families = Mutex<[String: MetricFamily<Series>]>([:])

    /// The series of `name` and `labels`, made by `make` (given its family) the first time.
    func series(
        _ name: String, labels: [(String, String)], newFamily: MetricFamily<Series>,
        make: (MetricFamily<Series>) -> Series
    ) -> Series {
        let key = Self.key(labels)
        return families.withLock { families in
            var family = families[name] ?? newFamily
            if let existing = family.series[key] { return existing }
            let series = make(family)
            family.series[key] = series
            families[name] = family
            return series
        }
    }

    /// Drops `series` (if it is still the one of its name and labels) and a family left empty.
    func remove(_ series: Series) {
        let key = Self.key(series.labels)
        families.withLock { families in
            guard families[series.name]?.series[key] === series else { return }
            families[series.name]?.series[key] = nil
            if families[series.name]?.series.isEmpty == true { families[series.name] = nil }
        }
    }

    /// Every family, by name, with its series in label order.
    func write(type: String, to writer: inout MetricsTextWriter) {
        for (name, family) in families.withLock({ $0 }).sorted(by: { $0.key < $1.key }) {
            writer.family(name, type: type, help: family.help)
            for (_, series) in family.series.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
                series.write(to: &writer)
            }
        }
    }

    private static func key(_ labels: [(String, String)]) -> [String] {
        labels.flatMap { [$0.0, $0.1] }
    }
}

/// The series of one metric name: their help and (histograms) bounds, by label values.
struct MetricFamily<Series: AnyObject & Sendable>: Sendable {
    var help: String
    var bounds: [Duration] = []
    var series: [[String]: Series] = [:]
}
