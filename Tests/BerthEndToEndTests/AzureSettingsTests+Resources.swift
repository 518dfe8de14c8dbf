import BerthCore
import BerthTesting
import Foundation
import Testing

/// `containerResourceRequirements.cpuLimit` and `gpuCores` on a local cluster, seen from inside the
/// entry script's own process.
extension AzureSettingsTests {
    /// A script that answers with what its process sees: its cgroup's CPU quota and
    /// `CUDA_VISIBLE_DEVICES`.
    static let resourceProbeScript = #"""
        import json, os

        def init():
            pass

        def cpu_quota():
            for line in open("/proc/self/cgroup").read().splitlines():
                ident, controllers, path = line.split(":", 2)
                if ident == "0" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
                    name = "/sys/fs/cgroup" + path + "/cpu.max"
                    if os.path.exists(name):
                        return open(name).read().strip()
                elif "cpu" in controllers.split(","):
                    for mount in ("/sys/fs/cgroup/" + controllers, "/sys/fs/cgroup/cpu"):
                        name = mount + path + "/cpu.cfs_quota_us"
                        if os.path.exists(name):
                            return open(name).read().strip()
            return None

        def run(raw):
            return {"cpuQuota": cpu_quota(), "cudaVisibleDevices": os.environ.get("CUDA_VISIBLE_DEVICES")}
        """#

    /// Writes the probe script and its inference config; returns the config's path.
    static func resourceProbe(in folder: TemporaryDirectory) throws -> String {
        try folder.write(Data(resourceProbeScript.utf8), to: "probe/score.py")
        return try folder.write(
            Data(#"{"entryScript": "score.py", "sourceDirectory": "."}"#.utf8), to: "probe/inferenceconfig.json"
        ).path
    }

    /// What the probe script answers for `service`.
    static func probe(_ service: String, home: URL) async throws -> [String: Any] {
        let shown = try await berthJSON(Webservice.self, "service", "show", "-n", service, home: home)
        let keys = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", service, home: home)
        let scored = try await TestHTTP.post(
            try #require(shown.scoringUri), "{}",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(keys.primaryKey)")])
        try #require(scored.status == 200, "\(scored.text)")
        return try #require(try scored.json() as? [String: Any])
    }

    @Test("cpuLimit caps each local replica with a cgroup CFS quota, or the deploy and replica log say why not")
    func cpuLimitIsEnforced() async throws {
        try await Self.withWorkspace { folder, home in
            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "2",
                "--memory-gb", "4", home: home)
            let inference = try Self.resourceProbe(in: folder)
            let config = try folder.write(
                Data(
                    #"""
                    {"computeType": "aks", "numReplicas": 1,
                     "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25, "cpuLimit": 0.5}}
                    """#.utf8), to: "capped.json")
            let deployed = try await berth(
                "model", "deploy", "-n", "capped-svc", "-m", "echo-model:1", "--ct", "mylocal", "--ic", inference,
                "--dc", config.path, home: home)
            #expect(deployed.stdout.contains("Service 'capped-svc' is Healthy."), "\(deployed)")
            let logs = try await berth("service", "get-logs", "-n", "capped-svc", home: home)
            let answer = try await Self.probe("capped-svc", home: home)

            if deployed.stdout.contains("CPU limit 0.5 cores not enforced") {
                // A machine that gives this user no cgroup: never silent, in both places.
                #expect(
                    deployed.stdout.contains("Warning: Replica capped-svc-0: CPU limit 0.5 cores not enforced: cgroup"),
                    "\(deployed)")
                #expect(logs.stdout.contains("CPU limit 0.5 cores not enforced: cgroup"), "\(logs)")
            } else {
                #expect(logs.stdout.contains("CPU limit 0.5 cores enforced with cgroup v"), "\(logs)")
                // The quota is what the script's own process is held to: v2's cpu.max or v1's CFS quota.
                let quota = answer["cpuQuota"] as? String
                #expect(quota == "50000 100000" || quota == "50000", "\(answer)")
            }
        }
    }

    @Test("A cpuLimit no cgroup can enforce is said in the deploy output and the replica log, never dropped")
    func cpuLimitWithoutCgroupsWarns() async throws {
        // A cgroup file system with nothing in it: what a machine without cgroup controllers offers.
        let noCgroups: (TemporaryDirectory) -> [String: String] = { folder in
            ["BERTH_CGROUP_ROOT": folder.appending("no-cgroups").path]
        }
        try await Self.withWorkspace(environment: noCgroups) { folder, home in
            let root = folder.appending("no-cgroups")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "2",
                "--memory-gb", "4", home: home)
            let config = try folder.write(
                Data(
                    #"""
                    {"computeType": "aks", "numReplicas": 1,
                     "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25, "cpuLimit": 0.5}}
                    """#.utf8), to: "capped.json")
            let deployed = try await berth(
                "model", "deploy", "-n", "uncapped-svc", "-m", "echo-model:1", "--ct", "mylocal", "--ic",
                try Self.resourceProbe(in: folder), "--dc", config.path, home: home)
            let warning =
                "CPU limit 0.5 cores not enforced: no cgroup cpu controller is mounted under '\(root.path)'. The "
                + "replica and its workers run without this limit"
            #expect(deployed.stdout.contains("Warning: Replica uncapped-svc-0: \(warning)"), "\(deployed)")
            #expect(deployed.stdout.contains("Service 'uncapped-svc' is Healthy."), "\(deployed)")
            let logs = try await berth("service", "get-logs", "-n", "uncapped-svc", home: home)
            #expect(logs.stdout.contains(warning), "\(logs)")
            let initLogs = try await berth("service", "get-logs", "-n", "uncapped-svc", "--init", home: home)
            #expect(initLogs.stdout.contains("Warning: Replica uncapped-svc-0: \(warning)"), "\(initLogs)")
            // It still serves, without the quota.
            #expect(try await Self.probe("uncapped-svc", home: home)["cpuQuota"] as? String != "50000")
        }
    }

    @Test("gpuCores gets GPUs the local cluster declares, named in CUDA_VISIBLE_DEVICES; refusals change nothing")
    func gpuCoresArePlaced() async throws {
        try await Self.withWorkspace { folder, home in
            let gpuCluster = try await berthJSON(
                ComputeTarget.self, "computetarget", "create", "aks", "-n", "gpuaks", "--vm-size", "Standard_NC6",
                "--agent-count", "2", home: home)
            #expect(gpuCluster.capacity.gpus == 2)
            try await berth(
                "computetarget", "create", "local", "-n", "cpuonly", "--cluster-purpose", "DevTest", "--cores", "2",
                "--memory-gb", "4", home: home)
            let inference = try Self.resourceProbe(in: folder)
            func config(replicas: Int) throws -> String {
                try folder.write(
                    Data(
                        """
                        {"computeType": "aks", "numReplicas": \(replicas), "gpuCores": 1,
                         "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25}}
                        """.utf8), to: "gpu-\(replicas).json"
                ).path
            }
            func deploy(_ name: String, on cluster: String, replicas: Int) throws -> [String] {
                [
                    "model", "deploy", "-n", name, "-m", "echo-model:1", "--ct", cluster, "--ic", inference, "--dc",
                    try config(replicas: replicas),
                ]
            }

            // A cluster that declares no GPUs: refused before anything is stored.
            try await berthFails(
                deploy("cpu-svc", on: "cpuonly", replicas: 1), home: home,
                saying: "gpuCores is 1, but compute target 'cpuonly' declares no GPUs.")
            #expect(try await Self.listed(home).isEmpty)

            let deployed = try await berth(deploy("gpu-svc", on: "gpuaks", replicas: 1), home: home)
            #expect(deployed.stdout.contains("Service 'gpu-svc' is Healthy."), "\(deployed)")
            #expect(try await Self.probe("gpu-svc", home: home)["cudaVisibleDevices"] as? String == "0")

            // Two replicas of one GPU each do not fit the one GPU left: refused, nothing changes.
            try await berthFails(
                deploy("gpu-two", on: "gpuaks", replicas: 2), home: home,
                saying: "Service 'gpu-two' needs 1 GPU per replica for 2 replicas, but compute target 'gpuaks' has 1 "
                    + "of its 2 GPUs free ('gpu-svc' holds 1).")
            #expect(try await Self.listed(home) == ["gpu-svc"])
            #expect(try await Self.probe("gpu-svc", home: home)["cudaVisibleDevices"] as? String == "0")

            // One replica fits, on the other GPU.
            try await berth(deploy("gpu-one", on: "gpuaks", replicas: 1), home: home)
            #expect(try await Self.probe("gpu-one", home: home)["cudaVisibleDevices"] as? String == "1")
        }
    }
}
