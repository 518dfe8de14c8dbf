import BerthBackends
import BerthCore
import BerthStore
import Foundation

/// Gathers what the dashboard shows from where the rest of the control plane keeps it: services
/// and their derived state from the store (as `berth service list`), endpoints with their split
/// (`berth endpoint show`), the autoscaler's view and scaling events (`berth service show`), the
/// router's per-version numbers, the sampled history, failed requests from request telemetry
/// (`berth service get-telemetry --failed`) and replica log tails (`berth service get-logs`).
struct DashboardData: Sendable {
    let store: any MetadataStore
    let endpoints: EndpointManager
    let board: AutoscalerBoard
    let recorder: DashboardRecorder
    let sampleInterval: Duration
    let versionMetrics: @Sendable (Duration) -> [String: [EndpointVersionMetrics]]
    /// `$BERTH_HOME/telemetry`.
    let telemetryFolder: URL
    let backend: any ComputeBackend
    let failures = TelemetryFailures()

    /// Events shown per service, failed requests read per service.
    static var eventsPerService: Int { 10 }
    static var failuresPerService: Int { 10 }
    /// The most log lines one request reads.
    static var maxLogLines: Int { 500 }

    /// - Parameter historySince: only history points after this time; nil: all of them.
    func summary(historySince: Date? = nil) async throws -> DashboardSummary {
        let services = try await store.services()
        var autoscalers: [String: AutoscalerStatus] = [:]
        for service in services where !service.deleting {
            let events = try await store.scalingEvents(forService: service.name, limit: Self.eventsPerService)
            autoscalers[service.name] = board.status(of: service, events: events)
        }
        let recorded = services.filter { $0.deploymentConfig.appInsightsEnabled && !$0.deleting }.map(\.name)
        return DashboardSummary.make(
            .init(
                now: Date(), services: services, endpoints: try await endpoints.list(), autoscalers: autoscalers,
                history: recorder.snapshot(), historySince: historySince, sampleInterval: sampleInterval,
                versionMetrics: versionMetrics(.seconds(60)),
                telemetryFailures: failures.recent(of: recorded, in: telemetryFolder)))
    }

    /// The last `lines` lines of `service`'s replica logs.
    func logs(ofService service: String, lines: Int) async throws -> String {
        guard try await store.service(named: service) != nil else {
            throw BerthError.notFound("Service '\(service)' does not exist in this workspace.")
        }
        return try await backend.logs(
            ofDeployment: service, replica: nil, lines: min(max(1, lines), Self.maxLogLines))
    }
}
