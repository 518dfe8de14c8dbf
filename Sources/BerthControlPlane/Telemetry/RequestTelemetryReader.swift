import BerthCore
import Foundation

/// Reads a service's request telemetry folder (`RequestTelemetryFolder`) for
/// `GET /api/v1/services/<name>/telemetry`.
///
/// Segments are read newest-written first, and reading stops once `limit` records are held and
/// the next segment was last written before the oldest of them: its records cannot be newer.
/// The folder is bounded by the replicas (64 MiB by default), so a read is too.
struct RequestTelemetryReader: Sendable {
    /// `$BERTH_HOME/telemetry/<service>/`.
    let folder: URL

    /// Whether the folder holds any segment.
    var hasRecords: Bool { !RequestTelemetryFolder.segments(in: folder).isEmpty }

    /// The newest `query.limit` records matching `query`, oldest first.
    func read(_ query: RequestTelemetryQuery) -> [RequestTelemetry] {
        var kept: [RequestTelemetry] = []
        for segment in RequestTelemetryFolder.segments(in: folder).sorted(by: { $0.modified > $1.modified }) {
            if let since = query.since, segment.modified < since { break }
            if kept.count >= query.limit, let oldest = kept.last?.timestamp, segment.modified < oldest { break }
            guard let data = FileManager.default.contents(atPath: segment.url.path) else { continue }
            for line in data.split(separator: UInt8(ascii: "\n")) {
                guard let record = RequestTelemetry.parse(line: line), query.matches(record) else { continue }
                kept.append(record)
            }
            // Newest first, only as many as asked for.
            kept.sort { $0.timestamp > $1.timestamp }
            if kept.count > query.limit { kept.removeLast(kept.count - query.limit) }
        }
        return kept.reversed()
    }

    /// The lines the replicas dropped, as their `.dropped` files count them.
    func dropped() -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix("." + RequestTelemetryFolder.dropExtension) }.reduce(0) { total, name in
            total + RequestTelemetryFolder.dropCount(in: folder.appendingPathComponent(name))
        }
    }
}
