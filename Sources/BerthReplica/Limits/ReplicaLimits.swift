import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The memory and CPU limits of one replica, enforced as a container's would be: the replica
/// process — and so the Python workers it starts afterwards — moves into a cgroup of its own that
/// carries the limits (`memoryInGBLimit`, `cpuLimit`).
///
/// cgroup v2 where this process may write to its cgroup folder (`memory.max`, `cpu.max`), else
/// cgroup v1's controllers (`memory.limit_in_bytes`, CFS quota in `cpu.cfs_quota_us`). Where
/// neither works (no root, no delegation, a locked-down container) a limit is not enforced, and
/// its report says so and why: the replica logs it and passes it to whoever started it.
///
/// ```swift
/// let placement = ReplicaLimits(memoryBytes: 512 << 20, cpu: CPUQuota(cores: 0.5)).apply(name: "svc-0")
/// defer { ReplicaLimits.release(placement) }
/// for report in placement.reports { print(report.message) }
/// ```
package struct ReplicaLimits: Sendable {
    /// The most memory the replica and its workers may use, in bytes; nil for no limit.
    package var memoryBytes: Int64?
    /// The most CPU time they may use; nil for no limit.
    package var cpu: CPUQuota?

    package init(memoryBytes: Int64? = nil, cpu: CPUQuota? = nil) {
        self.memoryBytes = memoryBytes
        self.cpu = cpu
    }

    /// What happened to one limit.
    package struct Report: Sendable, Equatable {
        /// Whether a cgroup enforces it.
        package var isEnforced: Bool
        /// One sentence for the replica log: the limit, and how it is enforced or why it is not.
        package var message: String
    }

    /// The outcome of `apply`: a report per limit, and the cgroups made for the replica.
    package struct Placement: Sendable {
        package var reports: [Report] = []
        /// The cgroup folders this process moved into, removed again by `release`.
        package var cgroups: [String] = []
    }

    /// Creates `berth-<name>-<pid>` under this process's cgroup in each hierarchy a limit needs,
    /// writes the limit there and moves the process into it. Empty `berth-*` cgroups left by killed
    /// replicas are removed first (an empty cgroup is all `rmdir` can remove).
    ///
    /// - Parameters:
    ///   - name: the replica id, part of the cgroup's name.
    ///   - pid: the process to move; default this one.
    ///   - fileSystem: where the cgroups are; default this machine's.
    package func apply(
        name: String, pid: Int32 = getpid(), fileSystem: CgroupFileSystem = .current()
    ) -> Placement {
        var placement = Placement()
        for limit in limits {
            var reasons: [String] = []
            var enforced: (path: String, how: String)?
            for hierarchy in fileSystem.hierarchies(for: limit.controller) {
                switch place(limit, in: hierarchy, name: name, pid: pid) {
                case .success(let result):
                    enforced = result
                case .failure(let reason):
                    reasons.append("cgroup v\(hierarchy.version): \(reason.text)")
                }
                if enforced != nil { break }
            }
            if let enforced {
                if !placement.cgroups.contains(enforced.path) { placement.cgroups.append(enforced.path) }
                placement.reports.append(
                    Report(
                        isEnforced: true,
                        message: "\(limit.title) enforced with \(enforced.how) in '\(enforced.path)'."))
            } else {
                if reasons.isEmpty {
                    reasons.append("no cgroup \(limit.controller) controller is mounted under '\(fileSystem.root)'")
                }
                placement.reports.append(
                    Report(
                        isEnforced: false,
                        message: "\(limit.title) not enforced: \(reasons.joined(separator: "; ")). The replica and "
                            + "its workers run without this limit; to enforce it, run the server as root or in a "
                            + "cgroup delegated to its user (for example one started with 'systemd-run --user "
                            + "--scope -p Delegate=yes')."))
            }
        }
        return placement
    }

    /// Moves the process back to the parent cgroups and removes the replica's own, at exit.
    package static func release(_ placement: Placement, pid: Int32 = getpid()) {
        for path in placement.cgroups {
            let parent = (path as NSString).deletingLastPathComponent
            _ = write(String(pid), to: parent + "/cgroup.procs")
            rmdir(path)
        }
    }

    // MARK: Placing one limit

    /// One limit and the files that carry it in each cgroup version.
    private struct Limit {
        var controller: String
        var title: String
        /// File name and value, in the order to write them.
        var v1: [(String, String)]
        var v2: [(String, String)]
        var v1Description: String
        var v2Description: String
    }

    private var limits: [Limit] {
        var limits: [Limit] = []
        if let memoryBytes {
            let value = String(memoryBytes)
            limits.append(
                Limit(
                    controller: "memory", title: "Memory limit \(memoryBytes / (1024 * 1024)) MB",
                    v1: [("memory.limit_in_bytes", value)], v2: [("memory.max", value)],
                    v1Description: "cgroup v1: memory.limit_in_bytes \(value)",
                    v2Description: "cgroup v2: memory.max \(value)"))
        }
        if let cpu {
            limits.append(
                Limit(
                    controller: "cpu", title: "CPU limit \(cpu.coresDescription) cores",
                    v1: [("cpu.cfs_period_us", cpu.cfsPeriod), ("cpu.cfs_quota_us", cpu.cfsQuota)],
                    v2: [("cpu.max", cpu.cpuMax)],
                    v1Description:
                        "cgroup v1 CFS quota: cpu.cfs_quota_us \(cpu.cfsQuota) per cpu.cfs_period_us \(cpu.cfsPeriod)",
                    v2Description: "cgroup v2: cpu.max '\(cpu.cpuMax)'"))
        }
        return limits
    }

    private func place(
        _ limit: Limit, in hierarchy: CgroupFileSystem.Hierarchy, name: String, pid: Int32
    ) -> Result<(path: String, how: String), Reason> {
        let parent = hierarchy.folder
        if hierarchy.version == 2 {
            let available = Self.words(parent + "/cgroup.controllers")
            guard available.contains(limit.controller) else {
                let listed = available.isEmpty ? "none" : available.joined(separator: " ")
                return .failure(
                    Reason(
                        "the \(limit.controller) controller is not available in '\(parent)' (its cgroup.controllers "
                            + "lists \(listed))"))
            }
            if !Self.words(parent + "/cgroup.subtree_control").contains(limit.controller),
                let error = Self.write("+\(limit.controller)", to: parent + "/cgroup.subtree_control")
            {
                return .failure(
                    Reason(
                        "cannot enable the \(limit.controller) controller for child cgroups in "
                            + "'\(parent)/cgroup.subtree_control' (\(error)); a cgroup that holds processes cannot "
                            + "hand controllers to its children"))
            }
        }
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix("berth-") {
            rmdir(parent + "/" + entry)  // fails, harmlessly, while the cgroup has processes
        }
        let path = parent + "/berth-\(name)-\(pid)"
        let existed = manager.fileExists(atPath: path)
        guard existed || mkdir(path, 0o755) == 0 else {
            return .failure(Reason("cannot create '\(path)' (\(String(cString: strerror(errno))))"))
        }
        for (file, value) in hierarchy.version == 2 ? limit.v2 : limit.v1 {
            if let error = Self.write(value, to: path + "/" + file) {
                if !existed { rmdir(path) }
                return .failure(Reason("cannot write \(value) to '\(path)/\(file)' (\(error))"))
            }
        }
        if let error = Self.write(String(pid), to: path + "/cgroup.procs") {
            if !existed { rmdir(path) }
            return .failure(Reason("cannot move the replica into '\(path)' (\(error))"))
        }
        return .success((path, hierarchy.version == 2 ? limit.v2Description : limit.v1Description))
    }

    /// Writes `text` to a cgroup file (created when missing, as in a test's stand-in folder); nil
    /// on success, else the system's reason.
    private static func write(_ text: String, to path: String) -> String? {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        return written == bytes.count ? nil : String(cString: strerror(errno))
    }

    private static func words(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(whereSeparator: \.isWhitespace).map {
            String($0)
        }
    }

    private struct Reason: Error {
        var text: String
        init(_ text: String) { self.text = text }
    }
}
