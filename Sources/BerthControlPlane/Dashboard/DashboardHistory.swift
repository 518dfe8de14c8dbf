import Foundation

/// What the dashboard plots over time: per service, a bounded ring of points (replicas ready and
/// desired, requests and 5xx answers per second, p50/p95/p99 latency), each made from two
/// consecutive `DashboardReading`s; and the router's recent error answers by reason.
///
/// A pure value: `record` is given the time and the reading, so tests drive it without a clock.
/// `DashboardSampler` feeds it every `DashboardSampler.interval` (2 s: 900 points are 30 minutes).
struct DashboardHistory: Sendable {
    /// One point of a service's plots.
    struct Point: Codable, Sendable, Hashable {
        var time: Date
        var ready: Int
        var desired: Int
        /// Requests answered per second since the previous point; nil on a service's first point.
        var requestsPerSecond: Double?
        /// 5xx answers per second since the previous point; nil on a service's first point.
        var failuresPerSecond: Double?
        /// Latency quantiles of the requests since the previous point, in milliseconds; nil without any.
        var p50Ms: Double?
        var p95Ms: Double?
        var p99Ms: Double?
    }

    /// Error answers of the router's own (503 queue full, 504 timeout, …), or 5xx answers of
    /// replicas (`replicaFailures`), that one interval saw.
    struct RouterErrors: Codable, Sendable, Hashable {
        var time: Date
        var service: String
        /// The status the router answered with (`503`).
        var status: String
        /// Why (`RouterErrorReason`'s label: `queue_full`, `scoring_timeout`, …).
        var reason: String
        var count: Int
    }

    /// Points kept per service.
    let capacity: Int
    /// Router error entries kept, all services together.
    let errorCapacity: Int
    private(set) var series: [String: Ring<Point>] = [:]
    private(set) var errors: Ring<RouterErrors>
    private var previous: (time: Date, reading: DashboardReading)?

    init(capacity: Int = 900, errorCapacity: Int = 200) {
        self.capacity = capacity
        self.errorCapacity = errorCapacity
        errors = Ring(capacity: errorCapacity)
    }

    /// Adds one point per service in `reading`; services it no longer has are dropped (deleted).
    /// A reading not later than the previous one is ignored.
    mutating func record(_ reading: DashboardReading, at time: Date) {
        if let previous, time <= previous.time { return }
        let elapsed = previous.map { time.timeIntervalSince($0.time) }
        for name in series.keys where reading.services[name] == nil { series[name] = nil }
        for (name, now) in reading.services.sorted(by: { $0.key < $1.key }) {
            let before = previous?.reading.services[name]
            var point = Point(time: time, ready: Int(now.ready), desired: Int(now.desired))
            if let before, let elapsed {
                point.requestsPerSecond = Self.increase(now.requests, since: before.requests) / elapsed
                point.failuresPerSecond = Self.increase(now.failures, since: before.failures) / elapsed
                point.p50Ms = Self.milliseconds(0.50, now, before)
                point.p95Ms = Self.milliseconds(0.95, now, before)
                point.p99Ms = Self.milliseconds(0.99, now, before)
                recordErrors(of: name, now: now, before: before, at: time)
            }
            series[name, default: Ring(capacity: capacity)].append(point)
        }
        previous = (time, reading)
    }

    /// The router's own error answers since `before`, by reason, and the 5xx answers replicas gave
    /// (`run()` raised, a worker died): 5xx answers the router counted beyond its own.
    private mutating func recordErrors(
        of service: String, now: DashboardReading.Service, before: DashboardReading.Service, at time: Date
    ) {
        var own5xx = 0.0
        for (key, count) in now.routerErrors.sorted(by: { $0.key < $1.key }) {
            let added = Self.increase(count, since: before.routerErrors[key] ?? 0)
            guard added > 0 else { continue }
            if key.status.hasPrefix("5") { own5xx += added }
            errors.append(
                RouterErrors(time: time, service: service, status: key.status, reason: key.reason, count: Int(added)))
        }
        let fromReplicas = Self.increase(now.failures, since: before.failures) - own5xx
        if fromReplicas >= 1 {
            errors.append(
                RouterErrors(
                    time: time, service: service, status: "5xx", reason: Self.replicaFailures,
                    count: Int(fromReplicas)))
        }
    }

    /// The reason of 5xx answers that came from replicas rather than from the router itself.
    static var replicaFailures: String { "replica_5xx" }

    /// The points of `service`, oldest first.
    func points(of service: String) -> [Point] {
        series[service]?.elements ?? []
    }

    /// The router's error answers, newest first.
    var recentErrors: [RouterErrors] {
        errors.elements.reversed()
    }

    /// A counter's increase; a counter that went down was reset (its series was made again), so
    /// all of its value is new.
    private static func increase(_ now: Double, since before: Double) -> Double {
        now >= before ? now - before : now
    }

    private static func milliseconds(
        _ q: Double, _ now: DashboardReading.Service, _ before: DashboardReading.Service
    ) -> Double? {
        HistogramQuantile.quantile(q, current: now.latencyBuckets, previous: before.latencyBuckets).map {
            ($0 * 1_000_000).rounded() / 1000
        }
    }
}
