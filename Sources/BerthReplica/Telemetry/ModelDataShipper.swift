import BerthCore
import Foundation
import Logging
import Synchronization

/// A replica in a Kubernetes Pod: the CSV rows `ModelDataCollector` writes into the Pod's folder
/// (`BERTH_MODEL_DATA_DIR`, on the Pod's `/tmp` volume) go to the control plane
/// (`POST /api/v1/services/<service>/modeldata`), which keeps them under the workspace's
/// `modeldata/` folder as a local replica's collector writes them (`ShippedModelData`).
///
/// Every `interval`, and once more at shutdown, each file's bytes past what was sent go, up to the
/// last complete line and at most `maxRequestBytes` per request, with the offset they start at;
/// the control plane answers where its copy ends, which is where the next request starts — so a
/// request sent again, or a replica restarted in the same Pod (whose `/tmp` stays), neither repeats
/// nor skips rows. A file whose period (day, or hour) is over and that is sent whole is removed
/// from the Pod, so the folder holds about a period's rows, not the Pod's lifetime.
package final class ModelDataShipper: Sendable {
    /// Per request; the control plane takes at most 4 MiB.
    package static let maxRequestBytes = 1 << 20

    private let folder: URL
    private let uploader: ControlPlaneUploader
    private let service: String
    private let replica: String
    private let interval: Duration
    private let now: @Sendable () -> Date
    private let logger: Logger
    private let state = Mutex(State())
    private let stop: AsyncStream<Void>
    private let stopper: AsyncStream<Void>.Continuation

    private struct State {
        /// Bytes of each file (by `ModelDataPath.path`) the control plane holds.
        var sent: [String: Int] = [:]
        /// Files the control plane refused (a path it does not take): not sent again.
        var refused: Set<String> = []
        /// Whether the last pass could not reach the control plane (logged once per outage).
        var unreachable = false
    }

    package init(
        folder: URL, uploader: ControlPlaneUploader, service: String, replica: String,
        interval: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init, logger: Logger
    ) {
        self.folder = folder
        self.uploader = uploader
        self.service = service
        self.replica = RequestTelemetryFolder.safeReplicaName(replica)
        self.interval = interval
        self.now = now
        self.logger = logger
        (stop, stopper) = AsyncStream.makeStream(of: Void.self)
    }

    /// Sends every `interval` until `finish()`, then once more.
    package func run() async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { [stop] in
                for await _ in stop {}
                return true
            }
            while true {
                group.addTask { [interval] in
                    try? await Task.sleep(for: interval)
                    return false
                }
                guard let stopped = await group.next(), !stopped else { break }
                await pass()
            }
            group.cancelAll()
        }
        await pass()
    }

    /// No more rows are written: `run` sends what is left and returns.
    package func finish() {
        stopper.finish()
    }

    /// Sends what every file holds past what was sent, and removes the files that are done.
    package func pass() async {
        for (file, url) in files() {
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
            guard await send(file, url: url, size: size) else { return }
            let done = state.withLock { $0.sent[file.path] ?? 0 } >= size
            if done, file.periodEnd < now() {
                try? FileManager.default.removeItem(at: url)
                state.withLock { _ = $0.sent.removeValue(forKey: file.path) }
            }
        }
    }

    /// The collector's files under the folder, with their paths; files it does not name that way
    /// are left alone.
    private func files() -> [(ModelDataPath, URL)] {
        let root = folder.standardizedFileURL.path
        guard let walk = FileManager.default.enumerator(atPath: root) else { return [] }
        var found: [(ModelDataPath, URL)] = []
        let refused = state.withLock { $0.refused }
        for case let relative as String in walk where relative.hasSuffix(".csv") && !refused.contains(relative) {
            guard let file = try? ModelDataPath(relative, service: service) else { continue }
            found.append((file, URL(fileURLWithPath: root).appendingPathComponent(relative)))
        }
        return found.sorted { $0.0.path < $1.0.path }
    }

    /// Sends `file`'s unsent complete lines; false when the control plane cannot be reached (the
    /// pass stops and the next one tries again).
    private func send(_ file: ModelDataPath, url: URL, size: Int) async -> Bool {
        while true {
            let offset = state.withLock { $0.sent[file.path] ?? 0 }
            guard size > offset, let chunk = Self.completeLines(of: url, from: offset, upTo: size) else { return true }
            let query =
                "replica=\(replica)&offset=\(offset)&path="
                + (file.path.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._")))
                    ?? file.path)
            do {
                let answer = try await uploader.post(
                    ControlPlaneUploader.servicePath(service, "modeldata"), query: query, body: chunk,
                    contentType: "text/csv")
                let outcome = try BerthJSON.decode(Outcome.self, from: answer, what: "model data answer")
                state.withLock {
                    $0.sent[file.path] = outcome.nextOffset
                    $0.unreachable = false
                }
                // Resuming elsewhere (the control plane had more or less of the file): go on from there.
                if !outcome.appended, outcome.nextOffset == offset { return true }
            } catch ControlPlaneUploader.Failure.refused(let status, let message) {
                state.withLock { _ = $0.refused.insert(file.path) }
                logger.warning(
                    "The control plane refused collected model data; this file is not sent again",
                    metadata: ["file": "\(file.path)", "status": "\(status)", "error": "\(message)"])
                return true
            } catch {
                if !state.withLock({ $0.unreachable }) {
                    logger.warning(
                        "Could not send collected model data to the control plane; trying again later",
                        metadata: ["error": "\(error)"])
                }
                state.withLock { $0.unreachable = true }
                return false
            }
        }
    }

    /// What the control plane answers (`ShippedModelData.Outcome`).
    private struct Outcome: Decodable {
        var appended: Bool
        var nextOffset: Int
    }

    /// The bytes of `url` from `offset` up to its last complete line within `maxRequestBytes`
    /// (a longer line is sent in pieces); nil when no line is complete yet.
    static func completeLines(of url: URL, from offset: Int, upTo size: Int) -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard (try? handle.seek(toOffset: UInt64(offset))) != nil,
            let data = try? handle.read(upToCount: min(size - offset, maxRequestBytes)), !data.isEmpty
        else { return nil }
        guard let last = data.lastIndex(of: UInt8(ascii: "\n")) else {
            return data.count == maxRequestBytes ? data : nil
        }
        return data[data.startIndex...last]
    }
}
