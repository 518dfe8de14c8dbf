import BerthCore
import Foundation
import Synchronization

/// Keeps the request telemetry that replicas in Kubernetes Pods send
/// (`POST /api/v1/services/<name>/telemetry`) in the same folder a local replica writes,
/// `$BERTH_HOME/telemetry/<service>/`, so `berth service get-telemetry` reads both alike.
///
/// Each Pod's lines go to its own segments through a `RequestTelemetrySegments` writer, which
/// rotates and prunes them within the folder's bounds as a local replica's writer does. Writers
/// stay open between batches (a Pod sends one per wake-up of its recorder); at most `maxWriters`
/// are kept, the least recently used closed first — a closed one is opened again on its next batch.
///
/// A batch is all or nothing: every line must read as a record of the service named in the path
/// (`customDimensions.service`), else nothing is written and the line is named in the error. Lines
/// are written re-encoded, so the folder only ever holds records in the canonical one-line form.
final class ShippedTelemetry: Sendable {
    /// Open writers kept at most.
    static let maxWriters = 256

    private let root: URL
    private let limits: RequestTelemetrySegments.Limits
    private let writers = Mutex<[String: (writer: RequestTelemetrySegments, used: UInt64)]>([:])
    private let uses = Atomic<UInt64>(0)

    /// - Parameter root: the workspace's telemetry folder, `WorkspaceLayout.telemetry`.
    init(root: URL, limits: RequestTelemetrySegments.Limits = .init()) {
        self.root = root
        self.limits = limits
    }

    /// Writes the records of `body` (newline-delimited JSON) for `service`, sent by `replica`, and
    /// adds `dropped` to its drop count; returns the records kept.
    ///
    /// - Throws: `BerthError.badRequest` naming the first line that is not a record of `service`
    ///   (nothing is written then).
    func append(_ body: Data, service: String, replica: String, dropped: Int) throws -> Int {
        var batch = Data()
        var kept = 0
        var number = 0
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            if line.isEmpty || line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            guard let record = RequestTelemetry.parse(line: line) else {
                throw BerthError.badRequest(
                    "Line \(number) of the telemetry batch is not a request telemetry record (a JSON object with "
                        + "timestamp, id, name, duration, resultCode, success and customDimensions); nothing was kept.")
            }
            let named = record.customDimensions[RequestTelemetry.Dimension.service]
            guard named == service else {
                throw BerthError.badRequest(
                    "Line \(number) of the telemetry batch is a record of service '\(named ?? "")', not of '\(service)': "
                        + "a replica sends only its own service's records; nothing was kept.")
            }
            batch.append(record.jsonLine())
            kept += 1
        }
        guard kept > 0 || dropped > 0 else { return 0 }
        let segments = try writer(service: service, replica: replica)
        if kept > 0 { try segments.write(batch, lines: kept) }
        if dropped > 0 { segments.countDropped(dropped) }
        return kept
    }

    private func writer(service: String, replica: String) throws -> RequestTelemetrySegments {
        let key = service + "/" + RequestTelemetryFolder.safeReplicaName(replica)
        let use = uses.add(1, ordering: .relaxed).newValue
        if let found = writers.withLock({ writers -> RequestTelemetrySegments? in
            writers[key]?.used = use
            return writers[key]?.writer
        }) {
            return found
        }
        let made = try RequestTelemetrySegments(
            folder: RequestTelemetryFolder.folder(of: service, in: root), replica: replica, limits: limits)
        return writers.withLock { writers in
            // Two first batches of one Pod at once: the first writer made is the one kept.
            if let raced = writers[key]?.writer { return raced }
            if writers.count >= Self.maxWriters,
                let stalest = writers.min(by: { $0.value.used < $1.value.used })?.key
            {
                writers[stalest] = nil
            }
            writers[key] = (made, use)
            return made
        }
    }
}
