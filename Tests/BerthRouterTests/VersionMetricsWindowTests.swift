import BerthCore
import Testing

@testable import BerthRouter

/// Per-version counters and percentiles over a window, with seconds passed in.
@Suite struct VersionMetricsWindowTests {
    @Test("Requests, 5xx and nearest-rank percentiles over the window; older seconds drop out")
    func window() {
        var window = VersionMetricsWindow()
        for millis in 1...100 {
            window.record(status: millis % 10 == 0 ? 503 : 200, latency: .milliseconds(millis), now: 1000)
        }
        let report = window.report(version: "v", window: 60, now: 1010)
        #expect(report.requests == 100)
        #expect(report.errors == 10)
        #expect(report.p50Ms == 50)
        #expect(report.p95Ms == 95)
        #expect(report.p99Ms == 99)
        #expect(report.windowSeconds == 60)

        window.record(status: 200, latency: .milliseconds(7), now: 1070)
        let later = window.report(version: "v", window: 60, now: 1070)
        #expect(later.requests == 1)
        #expect(later.errors == 0)
        #expect(later.p99Ms == 7)
        #expect(VersionMetricsWindow().report(version: "v", window: 60, now: 5).p50Ms == nil)
    }

    @Test("A bucket reused after the ring wraps starts from zero")
    func wrap() {
        var window = VersionMetricsWindow()
        window.record(status: 500, latency: .milliseconds(1), now: 10)
        window.record(status: 200, latency: .milliseconds(1), now: 10 + Int64(VersionMetricsWindow.maxWindowSeconds))
        let report = window.report(version: "v", window: 300, now: 10 + Int64(VersionMetricsWindow.maxWindowSeconds))
        #expect(report.requests == 1)
        #expect(report.errors == 0)
    }
}
