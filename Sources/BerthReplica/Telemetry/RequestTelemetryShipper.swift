import BerthCore
import Foundation
import Logging
import Synchronization

/// A replica in a Kubernetes Pod: its request telemetry goes to the control plane
/// (`POST /api/v1/services/<service>/telemetry?replica=<pod>`), which keeps it in the workspace as
/// it keeps a local replica's, instead of staying in the Pod, which a rollout or a crash removes.
///
/// A batch goes in requests of at most `maxRequestBytes`, cut at line ends, through the replica's
/// `ControlPlaneUploader` (which retries what may pass). Lines not sent are dropped and counted,
/// and the count travels with the next request (`dropped=`) — or, at shutdown, alone — so
/// `berth service get-telemetry` reports it.
package final class RequestTelemetryShipper: RequestTelemetrySink {
    /// The control plane accepts at most 4 MiB per request; a batch is cut well below that.
    package static let maxRequestBytes = 1 << 20

    private let uploader: ControlPlaneUploader
    private let service: String
    private let replica: String
    private let logger: Logger
    /// Drops not yet reported to the control plane.
    private let unreported = Mutex(0)

    package init(uploader: ControlPlaneUploader, service: String, replica: String, logger: Logger) {
        self.uploader = uploader
        self.service = service
        self.replica = RequestTelemetryFolder.safeReplicaName(replica)
        self.logger = logger
    }

    package func write(_ data: Data, lines: Int) async throws {
        var sent = 0
        for chunk in Self.requests(cutting: data, maxBytes: Self.maxRequestBytes) {
            let dropped = unreported.withLock { $0 }
            do {
                try await send(chunk.bytes, dropped: dropped)
            } catch {
                throw RequestTelemetryUnwritten(lines: lines - sent, reason: "\(error)")
            }
            unreported.withLock { $0 -= dropped }
            sent += chunk.lines
        }
    }

    package func countDropped(_ count: Int) {
        unreported.withLock { $0 += count }
    }

    /// Reports the drops not reported yet.
    package func finish() async {
        let dropped = unreported.withLock { $0 }
        guard dropped > 0 else { return }
        do {
            try await send(Data(), dropped: dropped)
        } catch {
            logger.warning(
                "Could not report dropped request telemetry lines to the control plane",
                metadata: ["lines": "\(dropped)", "error": "\(error)"])
        }
    }

    /// `data` cut at line ends into pieces of at most `maxBytes` (a longer line goes alone).
    static func requests(cutting data: Data, maxBytes: Int) -> [(bytes: Data, lines: Int)] {
        var pieces: [(bytes: Data, lines: Int)] = []
        var start = data.startIndex
        var lineStart = start
        var lines = 0
        for index in data.indices where data[index] == UInt8(ascii: "\n") {
            let end = data.index(after: index)
            if end - start > maxBytes, lines > 0 {
                pieces.append((data[start..<lineStart], lines))
                start = lineStart
                lines = 0
            }
            lines += 1
            lineStart = end
        }
        if lineStart > start { pieces.append((data[start..<lineStart], lines)) }
        return pieces
    }

    private func send(_ body: Data, dropped: Int) async throws {
        var query = "replica=\(replica)"
        if dropped > 0 { query += "&dropped=\(dropped)" }
        _ = try await uploader.post(
            ControlPlaneUploader.servicePath(service, "telemetry"), query: query, body: body,
            contentType: "application/x-ndjson")
    }
}
