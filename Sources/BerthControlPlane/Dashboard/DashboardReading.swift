import BerthMetrics

/// One read of the numbers the dashboard plots, taken from the same Prometheus series `/metrics`
/// serves (the router's registry and the control plane's scrape), so nothing is counted twice:
/// per service, cumulative requests, 5xx answers and latency buckets, the router's own error
/// answers by reason, and replicas ready and desired.
struct DashboardReading: Sendable, Hashable {
    /// One service's numbers.
    struct Service: Sendable, Hashable {
        /// `berth_router_requests_total`, every replica and status class.
        var requests: Double = 0
        /// The same, status class `5xx`.
        var failures: Double = 0
        /// `berth_router_request_duration_seconds_bucket`: (upper bound in seconds, cumulative count).
        var latencyBuckets: [Bucket] = []
        /// `berth_router_errors_total` by status and reason.
        var routerErrors: [RouterError: Double] = [:]
        /// `berth_service_replicas_ready` and `_desired`.
        var ready: Double = 0
        var desired: Double = 0
    }

    /// The labels of one series of `berth_router_errors_total`.
    struct RouterError: Sendable, Hashable, Comparable {
        var status: String
        var reason: String

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.status, lhs.reason) < (rhs.status, rhs.reason) }
    }

    /// A histogram bucket: its upper bound (`le`, seconds; `+infinity` for the last) and count.
    struct Bucket: Sendable, Hashable {
        var bound: Double
        var count: Double
    }

    var services: [String: Service] = [:]

    init(services: [String: Service] = [:]) {
        self.services = services
    }

    /// Reads the router's scrape (nil without a router) and the control plane's.
    init(router: Exposition?, controlPlane: Exposition) {
        for sample in controlPlane.samples {
            guard let service = sample.label("service"), !service.isEmpty else { continue }
            switch sample.name {
            case "berth_service_replicas_ready": services[service, default: Service()].ready = sample.value
            case "berth_service_replicas_desired": services[service, default: Service()].desired = sample.value
            default: break
            }
        }
        guard let router else { return }
        for sample in router.samples {
            // Only services the control plane has: the router's series of unknown names
            // (`service=""`) and of services being deleted stay out.
            guard let service = sample.label("service"), services[service] != nil else { continue }
            switch sample.name {
            case "berth_router_requests_total":
                services[service]?.requests += sample.value
                if sample.label("status_class") == "5xx" { services[service]?.failures += sample.value }
            case "berth_router_request_duration_seconds_bucket":
                guard let le = sample.label("le") else { continue }
                let bound = le == "+Inf" ? Double.infinity : Double(le) ?? .infinity
                services[service]?.latencyBuckets.append(Bucket(bound: bound, count: sample.value))
            case "berth_router_errors_total":
                guard let reason = sample.label("reason"), sample.value > 0 else { continue }
                let key = RouterError(status: sample.label("status") ?? "", reason: reason)
                services[service]?.routerErrors[key, default: 0] += sample.value
            default: break
            }
        }
        for name in services.keys { services[name]?.latencyBuckets.sort { $0.bound < $1.bound } }
    }
}

extension DashboardReading {
    /// Reads the control plane's scrape (`MetricsScrapes`, as `GET /metrics` serves it) and the
    /// router's registry; a scrape that fails reads as empty, and the next round tries again.
    static func read(controlPlane: MetricsScrapes, router: MetricsRegistry?) async -> DashboardReading {
        let controlPlaneText = (try? await controlPlane.controlPlaneText()).map { String(decoding: $0, as: UTF8.self) }
        let controlPlane = controlPlaneText.flatMap { try? Exposition(parsing: $0) } ?? Exposition()
        let router = router.flatMap { try? Exposition(parsing: $0.expositionText()) }
        return DashboardReading(router: router, controlPlane: controlPlane)
    }
}
