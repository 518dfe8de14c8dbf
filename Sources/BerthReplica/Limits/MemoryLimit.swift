import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Puts the replica process — and so the Python workers it starts afterwards — into a cgroup of
/// its own with a memory limit, as a container's `memoryInGB` limit would.
///
/// cgroup v2 where this process may write to its cgroup folder, else cgroup v1's memory
/// controller; where neither is writable (no root, a locked-down container) the limit is not
/// enforced and `apply` says why, so the replica log tells which happened.
package struct MemoryLimit: Sendable {
    /// How the limit was applied.
    package enum Outcome: Sendable, Equatable {
        /// Enforced by the cgroup at `path` (`v1` or `v2`).
        case enforced(version: String, path: String)
        /// Not enforced, with the reason.
        case notEnforced(String)
    }

    /// Creates `berth-<name>-<pid>` under this process's memory cgroup, sets `bytes` as its limit
    /// and moves this process into it. Empty `berth-*` cgroups left by killed replicas are removed
    /// first (an empty cgroup is all `rmdir` can remove).
    package static func apply(bytes: Int64, name: String) -> Outcome {
        let membership = (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? ""
        var reasons: [String] = []
        for candidate in candidates(membership) {
            switch enter(candidate, bytes: bytes, name: name) {
            case .success(let path): return .enforced(version: candidate.version, path: path)
            case .failure(let reason): reasons.append("cgroup \(candidate.version): \(reason.text)")
            }
        }
        if reasons.isEmpty { reasons.append("no cgroup memory controller is mounted") }
        return .notEnforced(reasons.joined(separator: "; "))
    }

    private struct Candidate {
        var version: String
        var parent: String
        var limitFile: String
        var limitValue: (Int64) -> String
    }

    private static func candidates(_ membership: String) -> [Candidate] {
        var result: [Candidate] = []
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            if fields[0] == "0", fields[1].isEmpty,
                FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers")
            {
                result.append(
                    Candidate(version: "v2", parent: "/sys/fs/cgroup" + path, limitFile: "memory.max") { String($0) })
            } else if fields[1].split(separator: ",").contains("memory") {
                result.append(
                    Candidate(version: "v1", parent: "/sys/fs/cgroup/memory" + path, limitFile: "memory.limit_in_bytes") {
                        String($0)
                    })
            }
        }
        return result.sorted { $0.version > $1.version }
    }

    private static func enter(_ candidate: Candidate, bytes: Int64, name: String) -> Result<String, Reason> {
        let manager = FileManager.default
        guard manager.isWritableFile(atPath: candidate.parent) else {
            return .failure(Reason("'\(candidate.parent)' is not writable"))
        }
        for entry in (try? manager.contentsOfDirectory(atPath: candidate.parent)) ?? [] where entry.hasPrefix("berth-") {
            rmdir(candidate.parent + "/" + entry)  // fails, harmlessly, while the cgroup has processes
        }
        let path = candidate.parent + "/berth-\(name)-\(getpid())"
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            return .failure(Reason("cannot create '\(path)': \(String(cString: strerror(errno)))"))
        }
        do {
            try candidate.limitValue(bytes).write(
                toFile: path + "/" + candidate.limitFile, atomically: false, encoding: .utf8)
            try String(getpid()).write(toFile: path + "/cgroup.procs", atomically: false, encoding: .utf8)
        } catch {
            rmdir(path)
            return .failure(Reason("cannot set the limit in '\(path)': \(error.localizedDescription)"))
        }
        return .success(path)
    }

    /// Moves this process back to the parent cgroup and removes the replica's own, at exit.
    package static func release(_ outcome: Outcome) {
        guard case .enforced(_, let path) = outcome else { return }
        let parent = (path as NSString).deletingLastPathComponent
        try? String(getpid()).write(toFile: parent + "/cgroup.procs", atomically: false, encoding: .utf8)
        rmdir(path)
    }

    private struct Reason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
