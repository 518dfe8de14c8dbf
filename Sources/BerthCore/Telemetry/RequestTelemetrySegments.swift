import Foundation
import Synchronization

/// A replica's request telemetry on this machine: JSON lines appended to segment files in the
/// service's folder (`$BERTH_HOME/telemetry/<service>/`), which several replicas share. The
/// control plane writes the batches that replicas in Kubernetes Pods send it the same way, one
/// writer per Pod (`ShippedTelemetry`).
///
/// Each replica writes its own segment, `RequestTelemetryFolder.segmentName`, so lines of two
/// replicas never interleave inside a line. A segment is closed at `maxSegmentBytes` and a new one
/// started; then the folder's oldest segments (any replica's) are removed until the folder holds at
/// most `maxFolderBytes` — the retention of a service's telemetry, documented in the README. Lines
/// that could not be written are counted in the replica's `.dropped` file, which readers add up.
package final class RequestTelemetrySegments: Sendable {
    /// The bounds of a service's telemetry folder.
    package struct Limits: Sendable {
        /// A segment is closed once it holds this many bytes. Default 4 MiB.
        package var maxSegmentBytes: Int
        /// After a segment closes, the oldest segments go until the folder is within this. Default 64 MiB.
        package var maxFolderBytes: Int

        package init(maxSegmentBytes: Int = 4 << 20, maxFolderBytes: Int = 64 << 20) {
            self.maxSegmentBytes = maxSegmentBytes
            self.maxFolderBytes = maxFolderBytes
        }
    }

    private struct Segment {
        var handle: FileHandle
        var path: String
        var bytes: Int
    }

    private let folder: URL
    private let replica: String
    private let limits: Limits
    private let now: @Sendable () -> Date
    private let segment: Mutex<Segment?>

    /// Creates the folder if needed; files are created on the first write.
    ///
    /// - Parameters:
    ///   - replica: this replica's id, in its segment names (safe characters only are kept).
    ///   - now: the wall clock, for segment names.
    package init(
        folder: URL, replica: String, limits: Limits = Limits(), now: @escaping @Sendable () -> Date = Date.init
    ) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        self.replica = RequestTelemetryFolder.safeReplicaName(replica)
        self.limits = limits
        self.now = now
        self.segment = Mutex(nil)
    }

    deinit {
        segment.withLock { try? $0?.handle.close() }
    }

    package func write(_ data: Data, lines: Int) throws {
        try segment.withLock { current in
            if let open = current, !FileManager.default.fileExists(atPath: open.path) {
                // Another replica's pruning removed it as the folder's oldest: start a new one.
                try? open.handle.close()
                current = nil
            }
            if let full = current, full.bytes >= limits.maxSegmentBytes {
                try? full.handle.close()
                current = nil
                prune()
            }
            if current == nil { current = try open() }
            try current!.handle.write(contentsOf: data)
            current!.bytes += data.count
        }
    }

    package func countDropped(_ count: Int) {
        let file = folder.appendingPathComponent(RequestTelemetryFolder.dropFileName(replica: replica))
        let before = RequestTelemetryFolder.dropCount(in: file)
        try? Data("\(before + count)\n".utf8).write(to: file, options: .atomic)
    }

    private func open() throws -> Segment {
        let file = folder.appendingPathComponent(RequestTelemetryFolder.segmentName(replica: replica, opened: now()))
        if !FileManager.default.fileExists(atPath: file.path) {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw BerthError(.internalError, "Could not create the telemetry segment '\(file.path)'.")
            }
        }
        let handle = try FileHandle(forWritingTo: file)
        let end = try handle.seekToEnd()
        return Segment(handle: handle, path: file.path, bytes: Int(end))
    }

    /// Removes the oldest segments until the folder is within `maxFolderBytes`. Another replica
    /// may remove the same file at the same time; a file already gone is no error.
    private func prune() {
        var segments = RequestTelemetryFolder.segments(in: folder)[...]
        var total = segments.reduce(0) { $0 + $1.bytes }
        while total > limits.maxFolderBytes, let oldest = segments.popFirst() {
            try? FileManager.default.removeItem(at: oldest.url)
            total -= oldest.bytes
        }
    }
}
