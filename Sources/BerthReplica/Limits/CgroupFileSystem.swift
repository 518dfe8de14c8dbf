import Foundation

/// The cgroup file system as this process sees it: where it is mounted, and which cgroup the
/// process belongs to in each hierarchy (the text of `/proc/self/cgroup`).
///
/// A value rather than fixed paths so that tests can point `root` at a temporary folder laid out
/// like `/sys/fs/cgroup` and check what `ReplicaLimits` writes there.
package struct CgroupFileSystem: Sendable {
    /// Where the cgroup file system is mounted. Default `/sys/fs/cgroup`.
    package var root: String
    /// `/proc/self/cgroup`: `ID:CONTROLLERS:PATH` per line; `0::PATH` is the cgroup v2 hierarchy.
    package var membership: String

    package init(root: String = "/sys/fs/cgroup", membership: String) {
        self.root = root
        self.membership = membership
    }

    /// The environment variable naming where the cgroup file system is mounted, for machines that
    /// mount it elsewhere than `/sys/fs/cgroup`.
    package static let rootVariable = "BERTH_CGROUP_ROOT"

    /// This process's view of the machine's cgroups, mounted at `$BERTH_CGROUP_ROOT` if set.
    package static func current() -> CgroupFileSystem {
        let root = ProcessInfo.processInfo.environment[rootVariable].flatMap { $0.isEmpty ? nil : $0 }
        return CgroupFileSystem(
            root: root ?? "/sys/fs/cgroup",
            membership: (try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? "")
    }

    /// One hierarchy a controller can be used in.
    package struct Hierarchy: Sendable, Equatable {
        /// 1 or 2.
        package var version: Int
        /// The folder of this process's cgroup in that hierarchy: where the replica's own goes.
        package var folder: String
    }

    /// The hierarchies in which `controller` (`cpu`, `memory`) may be set for this process, cgroup
    /// v2 first. On a hybrid machine the unified hierarchy (`<root>/unified`) is listed too; whether
    /// it really has the controller is for the caller to find out, with a reason when it has not.
    package func hierarchies(for controller: String) -> [Hierarchy] {
        var unified: [Hierarchy] = []
        var legacy: [Hierarchy] = []
        let manager = FileManager.default
        for line in membership.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = fields[2] == "/" ? "" : String(fields[2])
            if fields[0] == "0", fields[1].isEmpty {
                for mount in [root, root + "/unified"] where manager.fileExists(atPath: mount + "/cgroup.controllers") {
                    unified.append(Hierarchy(version: 2, folder: Self.folder(mount: mount, path: path)))
                    break
                }
            } else if fields[1].split(separator: ",").contains(Substring(controller)) {
                // Co-mounted controllers live in `cpu,cpuacct`, usually with a `cpu` link beside it.
                // A hierarchy this process belongs to but cannot see (not mounted here) is no option.
                let mounts = [root + "/" + fields[1], root + "/" + controller]
                guard let mount = mounts.first(where: { manager.fileExists(atPath: $0) }) else { continue }
                legacy.append(Hierarchy(version: 1, folder: Self.folder(mount: mount, path: path)))
            }
        }
        return unified + legacy
    }

    /// The process's cgroup folder under a mount. In a container without a cgroup namespace the
    /// path names the host's cgroup while the mount shows the container's own: then the mount is it.
    private static func folder(mount: String, path: String) -> String {
        let folder = mount + path
        return FileManager.default.fileExists(atPath: folder) ? folder : mount
    }
}
