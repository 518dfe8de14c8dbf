import BerthCore
import BerthReplica
import BerthTesting
import Foundation
import Testing

/// What `ReplicaLimits` writes, against a temporary folder laid out like `/sys/fs/cgroup`: which
/// files get which values in each cgroup version, and the reasons it gives when it cannot.
struct ReplicaLimitsTests {
    static let pid: Int32 = 4242

    /// A folder standing in for the cgroup file system, with `files` (relative path → text).
    static func cgroupRoot(_ files: [String: String]) throws -> TemporaryDirectory {
        let root = try TemporaryDirectory("berth-cgroup")
        for (path, text) in files { try root.write(Data(text.utf8), to: path) }
        return root
    }

    static func read(_ root: TemporaryDirectory, _ path: String) -> String? {
        try? String(contentsOf: root.appending(path), encoding: .utf8)
    }

    @Test("cgroup v2: cpu.max gets 'quota period', the controller is enabled for the child, the process moves in")
    func cgroupV2() throws {
        let root = try Self.cgroupRoot([
            "cgroup.controllers": "cpuset cpu io memory pids\n",
            "server.slice/cgroup.controllers": "cpu memory pids\n",
            "server.slice/cgroup.subtree_control": "",
        ])
        defer { root.remove() }
        let fileSystem = CgroupFileSystem(root: root.url.path, membership: "0::/server.slice\n")
        let placement = ReplicaLimits(cpu: CPUQuota(cores: 0.5)).apply(
            name: "svc-0", pid: Self.pid, fileSystem: fileSystem)

        let cgroup = "server.slice/berth-svc-0-4242"
        #expect(Self.read(root, "\(cgroup)/cpu.max") == "50000 100000")
        #expect(Self.read(root, "\(cgroup)/cgroup.procs") == "4242")
        #expect(Self.read(root, "server.slice/cgroup.subtree_control") == "+cpu")
        #expect(placement.cgroups == [root.appending(cgroup).path])
        let report = try #require(placement.reports.first)
        #expect(report.isEnforced)
        #expect(
            report.message
                == "CPU limit 0.5 cores enforced with cgroup v2: cpu.max '50000 100000' in '\(root.appending(cgroup).path)'."
        )
    }

    @Test("cgroup v2: memory and CPU share the replica's one cgroup")
    func cgroupV2BothLimits() throws {
        let root = try Self.cgroupRoot([
            "cgroup.controllers": "cpu memory\n",
            "cgroup.subtree_control": "cpu memory\n",
        ])
        defer { root.remove() }
        let placement = ReplicaLimits(memoryBytes: 256 << 20, cpu: CPUQuota(cores: 2)).apply(
            name: "svc-1", pid: Self.pid, fileSystem: CgroupFileSystem(root: root.url.path, membership: "0::/\n"))
        #expect(Self.read(root, "berth-svc-1-4242/memory.max") == String(256 << 20))
        #expect(Self.read(root, "berth-svc-1-4242/cpu.max") == "200000 100000")
        #expect(placement.cgroups.count == 1)
        #expect(placement.reports.map(\.isEnforced) == [true, true])
        #expect(placement.reports[0].message.hasPrefix("Memory limit 256 MB enforced with cgroup v2: memory.max"))
        // Already enabled: the parent's subtree_control is left as it was.
        #expect(Self.read(root, "cgroup.subtree_control") == "cpu memory\n")
    }

    @Test("cgroup v1: the CFS quota and period are written in the cpu hierarchy, co-mounted with cpuacct")
    func cgroupV1() throws {
        let root = try Self.cgroupRoot([
            "cpu,cpuacct/workloads/cpu.cfs_quota_us": "-1\n",
            "memory/workloads/memory.limit_in_bytes": "9223372036854771712\n",
        ])
        defer { root.remove() }
        let membership = "4:memory:/workloads\n3:cpu,cpuacct:/workloads\n0::/\n"
        let placement = ReplicaLimits(memoryBytes: 512 << 20, cpu: CPUQuota(cores: 0.5)).apply(
            name: "svc-0", pid: Self.pid, fileSystem: CgroupFileSystem(root: root.url.path, membership: membership))

        let cpu = "cpu,cpuacct/workloads/berth-svc-0-4242"
        #expect(Self.read(root, "\(cpu)/cpu.cfs_quota_us") == "50000")
        #expect(Self.read(root, "\(cpu)/cpu.cfs_period_us") == "100000")
        #expect(Self.read(root, "\(cpu)/cgroup.procs") == "4242")
        #expect(Self.read(root, "memory/workloads/berth-svc-0-4242/memory.limit_in_bytes") == String(512 << 20))
        #expect(placement.cgroups.count == 2)
        #expect(
            placement.reports[1].message
                == "CPU limit 0.5 cores enforced with cgroup v1 CFS quota: cpu.cfs_quota_us 50000 per "
                + "cpu.cfs_period_us 100000 in '\(root.appending(cpu).path)'.")
    }

    @Test("A hybrid machine whose unified hierarchy has no cpu controller falls back to cgroup v1")
    func hybridFallsBackToV1() throws {
        let root = try Self.cgroupRoot(["unified/cgroup.controllers": "", "cpu/cpu.cfs_quota_us": "-1\n"])
        defer { root.remove() }
        let placement = ReplicaLimits(cpu: CPUQuota(cores: 1)).apply(
            name: "r", pid: Self.pid,
            fileSystem: CgroupFileSystem(root: root.url.path, membership: "1:cpu:/\n0::/\n"))
        #expect(placement.reports.map(\.isEnforced) == [true])
        #expect(Self.read(root, "cpu/berth-r-4242/cpu.cfs_quota_us") == "100000")
    }

    @Test("No cpu controller anywhere: not enforced, and the report says why for each cgroup version")
    func notEnforcedSaysWhy() throws {
        let root = try Self.cgroupRoot(["cgroup.controllers": "memory pids\n"])
        defer { root.remove() }
        let placement = ReplicaLimits(cpu: CPUQuota(cores: 0.5)).apply(
            name: "r", pid: Self.pid, fileSystem: CgroupFileSystem(root: root.url.path, membership: "0::/\n"))
        let report = try #require(placement.reports.first)
        #expect(!report.isEnforced)
        #expect(
            report.message.hasPrefix(
                "CPU limit 0.5 cores not enforced: cgroup v2: the cpu controller is not available in "
                    + "'\(root.url.path)' (its cgroup.controllers lists memory pids)."))
        #expect(report.message.contains("The replica and its workers run without this limit"))
        #expect(placement.cgroups.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: root.appending("berth-r-4242").path))
    }

    @Test("No cgroup file system at all: not enforced, naming where it looked")
    func nothingMounted() throws {
        let root = try Self.cgroupRoot([:])
        defer { root.remove() }
        let placement = ReplicaLimits(memoryBytes: 64 << 20).apply(
            name: "r", pid: Self.pid, fileSystem: CgroupFileSystem(root: root.url.path, membership: ""))
        #expect(
            placement.reports.first?.message.hasPrefix(
                "Memory limit 64 MB not enforced: no cgroup memory controller is mounted under '\(root.url.path)'.")
                == true)
    }

    @Test("Empty cgroups of replicas that were killed are removed; release moves the process back and removes its own")
    func staleCgroupsAndRelease() throws {
        let root = try Self.cgroupRoot(["cpu/cpu.cfs_quota_us": "-1\n"])
        defer { root.remove() }
        try FileManager.default.createDirectory(
            at: root.appending("cpu/berth-old-17"), withIntermediateDirectories: true)
        let placement = ReplicaLimits(cpu: CPUQuota(cores: 1)).apply(
            name: "r", pid: Self.pid, fileSystem: CgroupFileSystem(root: root.url.path, membership: "2:cpu:/\n"))
        #expect(!FileManager.default.fileExists(atPath: root.appending("cpu/berth-old-17").path))
        let own = root.appending("cpu/berth-r-4242")
        #expect(placement.cgroups == [own.path])

        // A stand-in folder keeps its files, so only the move back is visible; a real cgroup goes.
        ReplicaLimits.release(placement, pid: Self.pid)
        #expect(Self.read(root, "cpu/cgroup.procs") == "4242")
    }
}
