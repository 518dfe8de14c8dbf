import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Synchronization

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

/// Failed requests of services with request telemetry, read at most every `refresh`: a read
/// scans the newest segment files, which the dashboard's 2-second polling should not repeat.
final class TelemetryFailures: Sendable {
    static var refresh: TimeInterval { 15 }
    /// How far back failures are read.
    static var window: TimeInterval { 30 * 60 }

    private let cached = Mutex<(read: Date, services: [String], records: [RequestTelemetry])?>(nil)

    func recent(of services: [String], in folder: URL, now: Date = Date()) -> [RequestTelemetry] {
        if let cached = cached.withLock({ $0 }), cached.services == services,
            now.timeIntervalSince(cached.read) < Self.refresh
        {
            return cached.records
        }
        let query = RequestTelemetryQuery(
            since: now.addingTimeInterval(-Self.window), failedOnly: true, limit: DashboardData.failuresPerService)
        let records = services.flatMap { service in
            RequestTelemetryReader(folder: RequestTelemetryFolder.folder(of: service, in: folder)).read(query)
        }
        cached.withLock { $0 = (now, services, records) }
        return records
    }
}
