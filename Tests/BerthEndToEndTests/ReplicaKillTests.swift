import BerthCore
import BerthTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A replica killed with SIGKILL under load, on a real server that runs real replica processes.
///
/// Until the local backend notices the death and the control plane publishes a table without the
/// replica, the router still routes to it and every connection it tries is refused. Only the
/// requests the replica held when it died may fail: the others wait (up to `maxQueueWaitMs`) for
/// a replica that takes connections, here the restarted one.
@Suite(.timeLimit(.minutes(5)))
struct ReplicaKillTests {
    /// The service's `maxConcurrentRequestsPerContainer`: the most requests the killed replica held.
    static let maxConcurrent = 4

    @Test("A replica killed with SIGKILL under load fails at most the requests it held")
    func killedReplicaFailsOnlyItsRequestsInFlight() async throws {
        let folder = try TemporaryDirectory("berth-kill")
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        do {
            let uri = try await Self.deploy(in: folder, home: home)
            let before = replicaProcesses(service: "kill-svc")
            try #require(before.count == 1)
            let load = ScoringLoad()
            async let driving: Void = load.run(clients: 2 * Self.maxConcurrent, uri: uri, key: nil)
            try await waitUntil(timeout: .seconds(60)) { load.succeeded >= 100 }
            #expect(load.failures.isEmpty, "nothing fails before the kill: \(load.failures)")
            kill(before[0], SIGKILL)
            let atKill = load.succeeded
            // The backend restarts the replica (after its back-off and its worker's init()); the
            // requests sent meanwhile are served by the successor.
            try await waitUntil(timeout: .seconds(120)) {
                let now = replicaProcesses(service: "kill-svc")
                return now.count == 1 && now != before && load.succeeded >= atKill + 100
            }
            load.stop()
            await driving
            let failed = load.failures.values.reduce(0, +)
            #expect(
                failed <= Self.maxConcurrent,
                "\(failed) requests failed (\(load.failures)); the killed replica held at most \(Self.maxConcurrent)")
        } catch {
            await server.stop()
            folder.remove()
            throw error
        }
        await server.stop()
        folder.remove()
    }

    /// Deploys the `echo` fixture as `kill-svc` (one replica, no key) and returns its scoring URI.
    private static func deploy(in folder: TemporaryDirectory, home: URL) async throws -> String {
        try await berth(
            "computetarget", "create", "local", "-n", "cluster", "--cluster-purpose", "DevTest", "--cores", "4",
            "--memory-gb", "8", home: home)
        let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
        try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
        // A long queue wait: on a loaded machine the successor takes seconds to be ready.
        let config = """
            {"computeType": "aks", "numReplicas": 1, "authEnabled": false,
             "maxConcurrentRequestsPerContainer": \(maxConcurrent), "maxQueueWaitMs": 60000,
             "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25}}
            """
        let dc = try folder.write(Data(config.utf8), to: "deploymentconfig.json")
        let inference = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json")
        try await berth(
            "model", "deploy", "-n", "kill-svc", "-m", "echo-model:1", "--ic", inference.path, "--dc", dc.path,
            "--ct", "cluster", home: home)
        let service = try await berthJSON(Webservice.self, "service", "show", "-n", "kill-svc", home: home)
        return try #require(service.scoringUri)
    }
}
