import BerthMetrics
import BerthTesting
import Foundation
import Synchronization
import Testing

@testable import BerthControlPlane

/// The dashboard's history: the ring, the reading of the Prometheus series, rates and latency
/// quantiles between readings, and the sampler on a manual clock (no sleeping).
struct DashboardHistoryTests {
    private static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A reading of one service with `requests` answers (`failures` of them 5xx) whose latency
    /// buckets (cumulative, `le` 0.01 / 0.1 / +Inf) are `buckets`.
    private static func reading(
        _ service: String = "svc", requests: Double, failures: Double = 0, buckets: [Double] = [0, 0, 0],
        ready: Double = 1, desired: Double = 1, errors: [String: Double] = [:]
    ) -> DashboardReading {
        var numbers = DashboardReading.Service()
        numbers.requests = requests
        numbers.failures = failures
        numbers.latencyBuckets = zip([0.01, 0.1, Double.infinity], buckets).map { .init(bound: $0, count: $1) }
        numbers.ready = ready
        numbers.desired = desired
        for (reason, count) in errors { numbers.routerErrors[.init(status: "503", reason: reason)] = count }
        return DashboardReading(services: [service: numbers])
    }

    @Test("A ring keeps the newest elements, oldest first")
    func ring() {
        var ring = Ring<Int>(capacity: 3)
        #expect(ring.elements.isEmpty && ring.last == nil)
        for value in 1...2 { ring.append(value) }
        #expect(ring.elements == [1, 2] && ring.last == 2)
        for value in 3...7 { ring.append(value) }
        #expect(ring.elements == [5, 6, 7])
        #expect(ring.last == 7 && ring.count == 3)
    }

    @Test("Rates and quantiles come from the increase between two readings; a reset counts from zero")
    func ratesAndQuantiles() throws {
        var history = DashboardHistory(capacity: 10)
        history.record(Self.reading(requests: 100, buckets: [50, 100, 100], ready: 1, desired: 2), at: Self.t0)
        let first = try #require(history.points(of: "svc").first)
        #expect(first.ready == 1 && first.desired == 2)
        #expect(first.requestsPerSecond == nil && first.p50Ms == nil, "no rate from one reading")

        // 20 more requests in 2 s, all between 10 and 100 ms, 4 of them 5xx.
        history.record(Self.reading(requests: 120, failures: 4, buckets: [50, 120, 120]), at: Self.t0 + 2)
        let second = try #require(history.points(of: "svc").last)
        #expect(second.requestsPerSecond == 10)
        #expect(second.failuresPerSecond == 2)
        #expect(second.p50Ms == 55, "halfway through the 10–100 ms bucket")
        #expect(second.p99Ms == 99.1)

        // Nothing new: no latency, rate zero.
        history.record(Self.reading(requests: 120, failures: 4, buckets: [50, 120, 120]), at: Self.t0 + 4)
        let idle = try #require(history.points(of: "svc").last)
        #expect(idle.requestsPerSecond == 0 && idle.p50Ms == nil)

        // The series was made again (the router dropped and re-made it): all of it is new.
        history.record(Self.reading(requests: 6, buckets: [6, 6, 6]), at: Self.t0 + 6)
        let reset = try #require(history.points(of: "svc").last)
        #expect(reset.requestsPerSecond == 3)
        #expect(reset.p50Ms == 5)

        // A reading not after the last one is ignored.
        history.record(Self.reading(requests: 1000), at: Self.t0 + 6)
        #expect(history.points(of: "svc").count == 4)
    }

    @Test("Requests slower than every bound read as the largest bound")
    func overflowBucket() {
        let buckets: [DashboardReading.Bucket] = [
            .init(bound: 0.01, count: 0), .init(bound: 0.1, count: 0),
            .init(bound: .infinity, count: 5),
        ]
        #expect(HistogramQuantile.quantile(0.5, current: buckets, previous: []) == 0.1)
        #expect(HistogramQuantile.quantile(0.5, current: buckets, previous: buckets) == nil)
    }

    @Test("Each service keeps at most `capacity` points; services gone from a reading are dropped")
    func boundedAndPruned() {
        var history = DashboardHistory(capacity: 5)
        for second in 0..<12 {
            var reading = Self.reading(requests: Double(second))
            if second < 3 { reading.services["old"] = DashboardReading.Service() }
            history.record(reading, at: Self.t0 + Double(second))
        }
        #expect(history.points(of: "svc").count == 5)
        #expect(history.points(of: "svc").first?.time == Self.t0 + 7)
        #expect(history.points(of: "old").isEmpty)
    }

    @Test("The router's own error answers are listed by reason, newest first, and replicas' 5xx apart")
    func routerErrors() {
        var history = DashboardHistory(capacity: 5, errorCapacity: 3)
        history.record(Self.reading(requests: 0, failures: 1, errors: ["queue_full": 1]), at: Self.t0)
        history.record(
            Self.reading(requests: 0, failures: 5, errors: ["queue_full": 4, "no_ready_replica": 1]), at: Self.t0 + 2)
        history.record(
            Self.reading(requests: 0, failures: 8, errors: ["queue_full": 5, "no_ready_replica": 1]), at: Self.t0 + 4)
        let errors = history.recentErrors
        // Newest first: at t0+4, 1 queue_full and 2 answers of replicas; at t0+2 the ring (3) keeps one.
        #expect(errors.map(\.reason) == ["replica_5xx", "queue_full", "queue_full"])
        #expect(errors.map(\.count) == [2, 1, 3])
        #expect(errors[1].status == "503" && errors.first?.status == "5xx" && errors.first?.time == Self.t0 + 4)
    }

    @Test("A reading takes the same series /metrics serves: the router's by service, replicas from the control plane")
    func readingFromExpositions() throws {
        let router = try Exposition(
            parsing: """
                # TYPE berth_router_requests_total counter
                berth_router_requests_total{service="svc",endpoint="",version="",replica="svc-1",status_class="2xx"} 7
                berth_router_requests_total{service="svc",endpoint="",version="",replica="svc-2",status_class="5xx"} 2
                berth_router_requests_total{service="",endpoint="",version="",replica="",status_class="4xx"} 9
                # TYPE berth_router_request_duration_seconds histogram
                berth_router_request_duration_seconds_bucket{service="svc",le="0.1"} 8
                berth_router_request_duration_seconds_bucket{service="svc",le="+Inf"} 9
                berth_router_request_duration_seconds_bucket{service="svc",le="0.01"} 3
                berth_router_request_duration_seconds_sum{service="svc"} 0.3
                berth_router_request_duration_seconds_count{service="svc"} 9
                # TYPE berth_router_errors_total counter
                berth_router_errors_total{service="svc",status="503",reason="queue_full"} 2
                berth_router_errors_total{service="svc",status="504",reason="scoring_timeout"} 0
                """)
        let controlPlane = try Exposition(
            parsing: """
                # TYPE berth_service_replicas_desired gauge
                berth_service_replicas_desired{service="svc"} 3
                # TYPE berth_service_replicas_ready gauge
                berth_service_replicas_ready{service="svc"} 2
                """)
        let reading = DashboardReading(router: router, controlPlane: controlPlane)
        #expect(Array(reading.services.keys) == ["svc"], "names the control plane does not have stay out")
        let service = try #require(reading.services["svc"])
        #expect(service.requests == 9 && service.failures == 2)
        #expect(service.ready == 2 && service.desired == 3)
        #expect(service.latencyBuckets.map(\.bound) == [0.01, 0.1, .infinity])
        #expect(service.latencyBuckets.map(\.count) == [3, 8, 9])
        #expect(service.routerErrors == [.init(status: "503", reason: "queue_full"): 2])
    }

    @Test("The sampler records a point per interval of its clock, stamped by that clock", .timeLimit(.minutes(1)))
    func samplerOnManualClock() async throws {
        let clock = ManualClock()
        let recorder = DashboardRecorder(history: DashboardHistory(capacity: 100))
        let reads = Counter()
        let sampler = DashboardSampler(
            recorder: recorder, clock: clock, interval: .seconds(2), start: { Self.t0 },
            read: {
                let count = reads.next()
                return Self.reading(requests: Double(count * 10), ready: Double(count))
            })
        try await withThrowingTaskGroup { group in
            group.addTask { try await sampler.run() }
            for _ in 0..<3 {
                await clock.waitForSleepers()
                clock.advance(by: .seconds(2))
            }
            await clock.waitForSleepers()
            group.cancelAll()
            // Cancelled, the sampler ends without an error: the control plane's shutdown is clean.
            try await group.waitForAll()
        }
        let points = recorder.snapshot().points(of: "svc")
        #expect(points.map(\.time) == [Self.t0, Self.t0 + 2, Self.t0 + 4, Self.t0 + 6])
        #expect(points.map(\.ready) == [1, 2, 3, 4])
        #expect(points.dropFirst().allSatisfy { $0.requestsPerSecond == 5 })
    }
}

/// Counts calls from a `@Sendable` closure.
private final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
}
