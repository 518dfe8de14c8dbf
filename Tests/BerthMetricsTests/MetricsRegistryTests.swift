import BerthMetrics
import CoreMetrics
import Testing

struct MetricsRegistryTests {
    @Test("Handles, swift-metrics through the factory and collectors end up in one exposition")
    func exposes() throws {
        let metrics = MetricsRegistry()
        let counter = metrics.counter("berth_test_total", labels: [("service", "echo")], help: "Tests.")
        counter.increment()
        counter.increment(by: 2)
        metrics.histogram("berth_test_seconds", help: "Durations.").record(.milliseconds(3))
        CoreMetrics.Counter(label: "berth_facade_total", dimensions: [("kind", "a")], factory: metrics.factory)
            .increment()
        metrics.addCollector { writer in
            writer.family("berth_test_ready", type: "gauge", help: "Ready.")
            writer.sample("berth_test_ready", labels: [("service", "echo")], value: 2)
        }
        let exposition = try Exposition(parsing: metrics.expositionText())
        #expect(exposition.value("berth_test_total", ["service": "echo"]) == 3)
        #expect(exposition.value("berth_test_seconds_count") == 1)
        #expect(exposition.value("berth_test_seconds_bucket", ["le": "0.005"]) == 1)
        #expect(exposition.value("berth_test_seconds_bucket", ["le": "0.002"]) == 0)
        #expect(exposition.value("berth_facade_total", ["kind": "a"]) == 1)
        #expect(exposition.value("berth_test_ready", ["service": "echo"]) == 2)
        #expect(exposition.types["berth_test_total"] == "counter")
        #expect(exposition.types["berth_test_seconds"] == "histogram")

        metrics.remove(counter)
        #expect(try Exposition(parsing: metrics.expositionText()).samples("berth_test_total").isEmpty)
    }

    @Test("Two registries count apart")
    func registriesAreSeparate() throws {
        let one = MetricsRegistry()
        let two = MetricsRegistry()
        one.counter("berth_test_total", help: "Tests.").increment()
        #expect(try Exposition(parsing: one.expositionText()).value("berth_test_total") == 1)
        #expect(try Exposition(parsing: two.expositionText()).value("berth_test_total") == nil)
    }

    @Test("Histogram buckets are cumulative, a value on a bound counts in it, sum is in seconds")
    func histogramBuckets() throws {
        let metrics = MetricsRegistry()
        let histogram = metrics.histogram(
            "berth_test_seconds", labels: [("service", "a")], buckets: [.milliseconds(5), .seconds(1)], help: "T.")
        histogram.record(.milliseconds(5))
        histogram.record(.milliseconds(500))
        histogram.record(.seconds(3))
        histogram.record(milliseconds: 1.5)
        let scraped = try Exposition(parsing: metrics.expositionText())
        #expect(scraped.value("berth_test_seconds_bucket", ["service": "a", "le": "0.005"]) == 2)
        #expect(scraped.value("berth_test_seconds_bucket", ["service": "a", "le": "1"]) == 3)
        #expect(scraped.value("berth_test_seconds_bucket", ["service": "a", "le": "+Inf"]) == 4)
        #expect(scraped.value("berth_test_seconds_count", ["service": "a"]) == 4)
        #expect(abs((scraped.value("berth_test_seconds_sum", ["service": "a"]) ?? 0) - 3.5065) < 1e-9)
        // The same name and labels give the same series.
        metrics.histogram("berth_test_seconds", labels: [("service", "a")], help: "T.").record(.seconds(2))
        let again = try Exposition(parsing: metrics.expositionText())
        #expect(again.value("berth_test_seconds_count", ["service": "a"]) == 5)
        metrics.remove(histogram)
        #expect(try Exposition(parsing: metrics.expositionText()).samples("berth_test_seconds_count").isEmpty)
    }
}
