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
}
