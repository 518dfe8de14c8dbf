import BerthCore
import Foundation

/// What `berth service get-logs --init` shows (Azure's `get_logs(init=True)`, the logs of the
/// container that prepares a deployment): how the service's current code came to run — the logs of
/// its last deploy and of the updates since (source snapshot, environment build with pip's output,
/// the warnings) — then each replica's start-up: its own lines until it listens, and every
/// worker's output while `init()` runs, up to `init() succeeded` or the failure.
///
/// The replica logs are read as `ComputeBackend.logs` returns them; the filter is pure, so it is
/// tested on text.
enum ServiceInitLog {
    /// How many of a service's newest operations are looked at.
    static let operationsRead = 20

    /// The operations to show, oldest first: from the newest deploy on, the deploys and updates
    /// among `newestFirst` (deletes and key changes say nothing about how the code runs).
    static func relevant(_ newestFirst: [BerthCore.Operation]) -> [BerthCore.Operation] {
        var chosen: [BerthCore.Operation] = []
        for operation in newestFirst {
            guard operation.operationType == "DeployService" || operation.operationType == "UpdateService" else {
                continue
            }
            chosen.append(operation)
            if operation.operationType == "DeployService" { break }
        }
        return chosen.reversed()
    }

    /// The text `get-logs --init` answers: the operations' logs (oldest first), then the start-up
    /// lines of `replicaLogs`; each operation and each replica keeps at most its last `lines` lines.
    static func render(operations: [BerthCore.Operation], replicaLogs: String, lines: Int) -> String {
        var output = ""
        for operation in operations {
            output += "==> operation \(operation.id) (\(operation.operationType), \(operation.state.rawValue)) <==\n"
            let entries = operation.log.suffix(lines).map { "\(BerthJSON.text(of: $0.time)) \($0.message)" }
            output += entries.map { $0 + "\n" }.joined()
        }
        if operations.isEmpty {
            output += "==> no deploy or update operation of this service is recorded <==\n"
        }
        let startUp = startUpLines(ofReplicaLogs: replicaLogs)
        var kept: [Substring] = []
        var body: [Substring] = []
        func flush() {
            kept += body.suffix(lines)
            body = []
        }
        for line in startUp {
            if isHeader(line) {
                flush()
                kept.append(line)
            } else {
                body.append(line)
            }
        }
        flush()
        return output + kept.map { $0 + "\n" }.joined()
    }

    /// The lines of replica logs that belong to start-up, headers (`==> id <==`) kept.
    static func startUpLines(ofReplicaLogs text: String) -> [Substring] {
        var kept: [Substring] = []
        var initializing: Set<Substring> = []
        var beforeFirstWorker = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if isHeader(line) {
                kept.append(line)
                initializing = []
                beforeFirstWorker = true
                continue
            }
            let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
            if fields.count >= 3, fields[2] == "berth.replica:" {
                let message = fields.count > 3 ? fields[3] : ""
                let worker = message.prefix { $0 != " " }
                if message.hasPrefix("Memory limit") || message.hasPrefix("Replica listening") {
                    kept.append(line)
                } else if worker.hasPrefix("worker-"), message.dropFirst(worker.count).hasPrefix(" started") {
                    beforeFirstWorker = false
                    initializing.insert(worker)
                    kept.append(line)
                } else if worker.hasPrefix("worker-"), initializing.contains(worker) {
                    // `ready: init() succeeded`, `init() failed: …`, `exited …` all end its start-up.
                    initializing.remove(worker)
                    kept.append(line)
                } else if beforeFirstWorker {
                    kept.append(line)
                }
            } else if fields.count >= 2, initializing.contains(fields[1]) || beforeFirstWorker {
                kept.append(line)
            }
        }
        return kept
    }

    private static func isHeader(_ line: Substring) -> Bool {
        line.hasPrefix("==> ") && line.hasSuffix(" <==")
    }
}
