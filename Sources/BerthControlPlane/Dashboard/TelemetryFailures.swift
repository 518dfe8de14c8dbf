import BerthCore
import Foundation
import Synchronization

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
