import BerthAutoscaling
import BerthCore
import Foundation

/// What `GET /ui/api/summary` answers and the dashboard page draws: every deployment with its
/// state and plots, endpoints with their traffic split and per-version latency, scaling events
/// with their reasons, and recent failures. Built by `make` from values only, so its rules are
/// tested without a server.
struct DashboardSummary: Codable, Sendable, Hashable {
    var generatedAt: Date
    /// Seconds between history points.
    var sampleIntervalSeconds: Double
    var services: [Service]
    var endpoints: [EndpointSummary]
    /// Newest first, every service's together.
    var events: [Event]
    /// Newest first: the router's own error answers and failed requests of services with request
    /// telemetry.
    var failures: [Failure]

    struct Service: Codable, Sendable, Hashable {
        var name: String
        var state: String
        /// Why the service is not Healthy.
        var error: String?
        var computeName: String
        var models: [String]
        var ready: Int
        var desired: Int
        var autoscaled: Bool
        var minReplicas: Int
        var maxReplicas: Int
        /// At the autoscaler's last decision, in percent.
        var utilizationPercent: Double?
        var lastDecision: String?
        var scoringUri: String?
        /// The endpoint and version this deployment serves, if it is an endpoint version.
        var endpoint: String?
        var version: String?
        /// Whether its requests are recorded (`appInsightsEnabled`).
        var telemetry: Bool
        var history: [DashboardHistory.Point]
    }

    struct EndpointSummary: Codable, Sendable, Hashable {
        var name: String
        var scoringUri: String?
        var versions: [Version]
    }

    struct Version: Codable, Sendable, Hashable {
        var name: String
        /// The deployment that runs it (`<endpoint>--<version>`).
        var service: String
        var isDefault: Bool
        var type: String
        /// The share of the endpoint's traffic it gets (the default version gets the remainder).
        var trafficPercent: Double
        var state: String?
        var ready: Int
        var desired: Int
        /// Over the router's last `windowSeconds`.
        var windowSeconds: Int
        var requests: Int
        var errors: Int
        var p50Ms: Double?
        var p95Ms: Double?
        var p99Ms: Double?
    }

    struct Event: Codable, Sendable, Hashable {
        var service: String
        var time: Date
        var kind: String
        var fromReplicas: Int
        var toReplicas: Int
        var reason: String
    }

    struct Failure: Codable, Sendable, Hashable {
        var time: Date
        var service: String
        /// `router` (its own error answers, counted) or `telemetry` (a recorded request).
        var source: String
        var status: String
        /// The router's reason, or the exception `run()` raised.
        var detail: String
        /// How many answers this line stands for.
        var count: Int
        var requestId: String?
    }

    /// The values a summary is made of, gathered by `DashboardData`.
    struct Inputs: Sendable {
        var now: Date
        var services: [Webservice]
        var endpoints: [Endpoint]
        /// The `autoscaler` object of each service (rules, last decision, last events).
        var autoscalers: [String: AutoscalerStatus]
        var history: DashboardHistory
        /// Only history points after this time (the page asks for what it does not have yet); nil: all.
        var historySince: Date? = nil
        var sampleInterval: Duration
        /// The router's per-version numbers by endpoint (`Router.endpointMetrics`).
        var versionMetrics: [String: [EndpointVersionMetrics]]
        /// Failed requests of services with request telemetry.
        var telemetryFailures: [RequestTelemetry]
    }

    /// At most this many events and failures are listed.
    static var listed: Int { 50 }

    static func make(_ inputs: Inputs) -> DashboardSummary {
        let live = inputs.services.filter { !$0.deleting }.sorted { $0.name < $1.name }
        var versionOf: [String: (endpoint: String, version: String)] = [:]
        for endpoint in inputs.endpoints {
            for version in endpoint.versions {
                versionOf[EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)] =
                    (endpoint.name, version.name)
            }
        }
        let services = live.map { service in
            let autoscaler = inputs.autoscalers[service.name]
            return Service(
                name: service.name, state: service.state.rawValue, error: service.error?.message,
                computeName: service.computeName, models: service.models, ready: service.readyReplicas,
                desired: service.desiredReplicas, autoscaled: autoscaler?.enabled ?? false,
                minReplicas: autoscaler?.minReplicas ?? service.desiredReplicas,
                maxReplicas: autoscaler?.maxReplicas ?? service.desiredReplicas,
                utilizationPercent: autoscaler?.utilization, lastDecision: autoscaler?.lastDecision,
                scoringUri: service.scoringUri, endpoint: versionOf[service.name]?.endpoint,
                version: versionOf[service.name]?.version, telemetry: service.deploymentConfig.appInsightsEnabled,
                history: inputs.history.points(of: service.name).filter { point in
                    inputs.historySince.map { point.time > $0 } ?? true
                })
        }
        let byName = Dictionary(live.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let endpoints = inputs.endpoints.sorted { $0.name < $1.name }.map { endpoint in
            let shares = TrafficSplit.effectiveShares(endpoint.versions)
            let measured = inputs.versionMetrics[endpoint.name] ?? []
            let versions = zip(endpoint.versions, shares).map { version, share in
                let deployment = EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)
                let numbers = measured.first { $0.version == version.name }
                return Version(
                    name: version.name, service: deployment, isDefault: version.isDefault,
                    type: version.type.rawValue, trafficPercent: share.percent,
                    state: byName[deployment]?.state.rawValue, ready: byName[deployment]?.readyReplicas ?? 0,
                    desired: byName[deployment]?.desiredReplicas ?? 0, windowSeconds: numbers?.windowSeconds ?? 0,
                    requests: numbers?.requests ?? 0, errors: numbers?.errors ?? 0, p50Ms: numbers?.p50Ms,
                    p95Ms: numbers?.p95Ms, p99Ms: numbers?.p99Ms)
            }
            return EndpointSummary(name: endpoint.name, scoringUri: endpoint.scoringUri, versions: versions)
        }
        let events = inputs.autoscalers.flatMap { name, status in
            status.events.map {
                Event(
                    service: name, time: $0.time, kind: $0.kind.rawValue, fromReplicas: $0.fromReplicas,
                    toReplicas: $0.toReplicas, reason: $0.reason)
            }
        }
        let routerFailures = inputs.history.recentErrors.map {
            Failure(
                time: $0.time, service: $0.service, source: "router", status: $0.status, detail: $0.reason,
                count: $0.count, requestId: nil)
        }
        let telemetryFailures = inputs.telemetryFailures.map { record in
            Failure(
                time: record.timestamp,
                service: record.customDimensions[RequestTelemetry.Dimension.service] ?? "",
                source: "telemetry", status: record.resultCode,
                detail: record.customDimensions[RequestTelemetry.Dimension.exception] ?? "failed", count: 1,
                requestId: record.id)
        }
        return DashboardSummary(
            generatedAt: inputs.now,
            sampleIntervalSeconds: Double(inputs.sampleInterval.components.seconds)
                + Double(inputs.sampleInterval.components.attoseconds) / 1e18,
            services: services, endpoints: endpoints,
            events: Array(events.sorted { ($0.time, $0.service) > ($1.time, $1.service) }.prefix(listed)),
            failures: Array((routerFailures + telemetryFailures).sorted { $0.time > $1.time }.prefix(listed)))
    }
}
