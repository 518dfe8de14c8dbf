import BerthAuth
import BerthCore
import Foundation
import Synchronization

/// Keeps the rows `ModelDataCollector` wrote in Kubernetes Pods, which the replicas send
/// (`POST /api/v1/services/<name>/modeldata`), under the workspace's `modeldata/` folder at the
/// path the collector used (`ModelDataPath`) — where a local replica's collector writes them.
///
/// A Pod sends each file's new bytes with the offset they start at in its copy. The control plane
/// remembers, per Pod and file, where that copy ends (`modeldata/.shipped/<service>.json`, saved
/// after each append): a request at another offset — sent again after a lost answer, or by a
/// replica that restarted and forgot — appends nothing and is told where to resume, so no row is
/// kept twice or skipped. Several Pods' rows go into one file, as several local workers' do; the
/// header row a Pod's collector wrote when it created its copy is left out when the file already
/// starts with that same header.
final class ShippedModelData: Sendable {
    /// What one request did.
    struct Outcome: Sendable, Hashable {
        /// Whether the bytes were appended (false: the offset was not where the Pod's copy ends).
        var appended: Bool
        /// Where the Pod's copy of the file ends, as far as the control plane has it.
        var nextOffset: Int
    }

    private let root: URL
    private let now: @Sendable () -> Date
    /// Per service: `<replica>\n<path>` → bytes of that Pod's copy kept so far.
    private let ledgers = Mutex<[String: [String: Int]]>([:])

    /// - Parameters:
    ///   - root: the workspace's model data folder, `WorkspaceLayout.modelData`.
    ///   - now: the wall clock, for forgetting the files of periods long over.
    init(root: URL, now: @escaping @Sendable () -> Date = Date.init) {
        self.root = root
        self.now = now
    }

    /// Appends `bytes`, which start at `offset` of the Pod `replica`'s copy of `path`.
    ///
    /// - Throws: `BerthError.badRequest` for a path that is not a collector's file of `service`.
    func append(_ bytes: Data, service: String, replica: String, path: String, offset: Int) throws -> Outcome {
        let file = try ModelDataPath(path, service: service)
        let key = RequestTelemetryFolder.safeReplicaName(replica) + "\n" + file.path
        let target = root.appendingPathComponent(file.path)
        // One lock for the whole append: appends are small and rare next to scoring, and the
        // ledger must move with the file.
        return try ledgers.withLock { ledgers in
            var ledger = try ledgers[service] ?? loadLedger(of: service)
            let kept = ledger[key] ?? 0
            guard offset == kept, !bytes.isEmpty else {
                ledgers[service] = ledger
                return Outcome(appended: false, nextOffset: kept)
            }
            try write(bytes, to: target, startsCopy: offset == 0)
            ledger[key] = kept + bytes.count
            Self.forgetPast(&ledger, service: service, now: now())
            try saveLedger(ledger, of: service)
            ledgers[service] = ledger
            return Outcome(appended: true, nextOffset: kept + bytes.count)
        }
    }

    private func write(_ bytes: Data, to target: URL, startsCopy: Bool) throws {
        try FileManager.default.createDirectory(
            at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        var bytes = bytes
        if !FileManager.default.fileExists(atPath: target.path) {
            guard
                FileManager.default.createFile(
                    atPath: target.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw BerthError(.internalError, "Could not create the model data file '\(target.path)'.")
            }
        } else if startsCopy, let header = Self.firstLine(of: bytes), Self.firstLine(ofFile: target) == header {
            // Another Pod's copy already gave the file this header.
            bytes = bytes.dropFirst(header.count)
        }
        let handle = try FileHandle(forWritingTo: target)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
    }

    /// Files stay in a ledger for a week after their period ended: a Pod stops sending a file
    /// once its period is over and it has sent all of it.
    static let ledgerRetention: TimeInterval = 7 * 24 * 3600

    private static func forgetPast(_ ledger: inout [String: Int], service: String, now: Date) {
        ledger = ledger.filter { key, _ in
            let path = key.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
            guard let file = try? ModelDataPath(path, service: service) else { return false }
            return file.periodEnd.addingTimeInterval(ledgerRetention) > now
        }
    }

    private static func firstLine(of data: Data) -> Data? {
        guard let end = data.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return data[data.startIndex...end]
    }

    private static func firstLine(ofFile file: URL) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 64 << 10)).flatMap { firstLine(of: $0) }
    }

    private func ledgerFile(of service: String) -> URL {
        root.appendingPathComponent(".shipped", isDirectory: true).appendingPathComponent("\(service).json")
    }

    private func loadLedger(of service: String) throws -> [String: Int] {
        guard let text = try SecretFile.read(at: ledgerFile(of: service)) else { return [:] }
        return try BerthJSON.decode([String: Int].self, from: Data(text.utf8), what: "\(service).json")
    }

    private func saveLedger(_ ledger: [String: Int], of service: String) throws {
        let file = ledgerFile(of: service)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let data = try BerthJSON.encode(ledger)
        try SecretFile.write(String(decoding: data, as: UTF8.self), to: file)
    }
}
