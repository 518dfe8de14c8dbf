import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// What `GET /ui/api/summary` answers, from values: services with state and history, the
/// effective split and per-version numbers of endpoints, events and failures newest first.
struct DashboardSummaryTests {
    private static let now = Date(timeIntervalSince1970: 1_800_000_000)

    private static func service(_ name: String, state: WebserviceState, ready: Int, desired: Int) -> Webservice {
        var service = Webservice(
            name: name, computeName: "mylocal", computeType: "Local", models: ["m:1"],
            inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
            state: state, desiredReplicas: desired, readyReplicas: ready)
        service.scoringUri = "http://127.0.0.1:8080/api/v1/service/\(name)/score"
        return service
    }

    private static func inputs() -> DashboardSummary.Inputs {
        var deleted = service("gone", state: .deleting, ready: 0, desired: 0)
        deleted.deleting = true
        let services = [
            service("web", state: .healthy, ready: 2, desired: 3),
            service("ep--blue", state: .healthy, ready: 1, desired: 1),
            service("ep--green", state: .transitioning, ready: 0, desired: 1),
            deleted,
        ]
        var blue = EndpointVersion(name: "blue", trafficPercentile: 0, isDefault: true, type: .control)
        blue.description = "the first"
        let green = EndpointVersion(name: "green", trafficPercentile: 30)
        let endpoint = Endpoint(name: "ep", computeName: "mylocal", versions: [blue, green])
        var history = DashboardHistory(capacity: 10)
        var reading = DashboardReading()
        reading.services["web"] = .init(requests: 10, ready: 2, desired: 3)
        history.record(reading, at: now - 4)
        reading.services["web"]?.requests = 30
        reading.services["web"]?.routerErrors = [.init(status: "503", reason: "queue_full"): 2]
        history.record(reading, at: now - 2)
        let scaleUp = ScalingEvent(time: now - 60, kind: .scaleUp, fromReplicas: 1, toReplicas: 3, reason: "load 2.4")
        let older = ScalingEvent(time: now - 600, kind: .scaleDown, fromReplicas: 2, toReplicas: 1, reason: "idle")
        let telemetry = RequestTelemetry(
            timestamp: now - 1, id: "req-1", name: "POST /api/v1/service/web/score", duration: 3.5,
            resultCode: 502,
            customDimensions: [
                RequestTelemetry.Dimension.service: "web", RequestTelemetry.Dimension.exception: "ValueError: x",
            ])
        return DashboardSummary.Inputs(
            now: now, services: services, endpoints: [endpoint],
            autoscalers: [
                "web": AutoscalerStatus(
                    enabled: true, minReplicas: 1, maxReplicas: 5, targetUtilization: 70, currentReplicas: 2,
                    desiredReplicas: 3, utilization: 120, lastDecision: "up to 3", events: [older, scaleUp])
            ],
            history: history, sampleInterval: .seconds(2),
            versionMetrics: [
                "ep": [
                    EndpointVersionMetrics(
                        version: "green", windowSeconds: 60, requests: 12, errors: 1,
                        p50Ms: 4, p95Ms: 9, p99Ms: 11)
                ]
            ],
            telemetryFailures: [telemetry])
    }

    @Test("Services keep their state, replicas and history; deleted ones are left out")
    func services() throws {
        let summary = DashboardSummary.make(Self.inputs())
        #expect(summary.services.map(\.name) == ["ep--blue", "ep--green", "web"])
        let web = try #require(summary.services.last)
        #expect(web.state == "Healthy" && web.ready == 2 && web.desired == 3)
        #expect(web.autoscaled && web.minReplicas == 1 && web.maxReplicas == 5 && web.utilizationPercent == 120)
        #expect(web.history.count == 2 && web.history.last?.requestsPerSecond == 10)
        #expect(summary.services.first?.endpoint == "ep" && summary.services.first?.version == "blue")
        #expect(summary.sampleIntervalSeconds == 2)
    }

    @Test("An endpoint shows its effective split (the default gets the rest) and each version's numbers")
    func endpointSplit() throws {
        let endpoint = try #require(DashboardSummary.make(Self.inputs()).endpoints.first)
        #expect(endpoint.versions.map(\.name) == ["blue", "green"])
        #expect(endpoint.versions.map(\.trafficPercent) == [70, 30])
        #expect(endpoint.versions.map(\.state) == ["Healthy", "Transitioning"])
        let green = endpoint.versions[1]
        #expect(green.service == "ep--green" && green.requests == 12 && green.errors == 1 && green.p99Ms == 11)
        #expect(endpoint.versions[0].requests == 0 && endpoint.versions[0].p50Ms == nil, "no traffic measured")
        #expect(endpoint.versions[0].isDefault && endpoint.versions[0].type == "Control")
    }

    @Test("Events and failures are listed newest first, the router's and the telemetry's together")
    func eventsAndFailures() throws {
        let summary = DashboardSummary.make(Self.inputs())
        #expect(summary.events.map(\.kind) == ["ScaleUp", "ScaleDown"])
        #expect(summary.events.first?.reason == "load 2.4" && summary.events.first?.service == "web")
        #expect(summary.failures.map(\.source) == ["telemetry", "router"])
        #expect(summary.failures.first?.detail == "ValueError: x" && summary.failures.first?.requestId == "req-1")
        #expect(summary.failures.last?.status == "503" && summary.failures.last?.count == 2)
    }

    @Test("The page asks only for the history points it does not have")
    func historySince() throws {
        var inputs = Self.inputs()
        inputs.historySince = Self.now - 3
        let web = try #require(DashboardSummary.make(inputs).services.last)
        #expect(web.history.map(\.time) == [Self.now - 2])
    }

    @Test("The JSON the page reads has the fields it draws from")
    func json() throws {
        let data = try BerthJSON.encode(DashboardSummary.make(Self.inputs()))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(
            Set(object.keys) == ["generatedAt", "sampleIntervalSeconds", "services", "endpoints", "events", "failures"])
        let services = try #require(object["services"] as? [[String: Any]])
        let point = try #require((services.last?["history"] as? [[String: Any]])?.last)
        #expect(point["time"] is String && point["requestsPerSecond"] as? Double == 10)
        #expect(point["ready"] as? Int == 2 && point["desired"] as? Int == 3)
    }
}
