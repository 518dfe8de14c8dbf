import BerthCore
import BerthTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `berth model deploy` and `berth service …` against a real server that runs real replica
/// processes with real Python workers.
@Suite(.timeLimit(.minutes(5)))
struct DeployTests {
    /// A server with a local cluster and the `echo` fixture registered as model `echo-model:1`.
    struct Workspace {
        let folder: TemporaryDirectory
        let home: URL
        let server: BerthServer

        static func start(
            cores: String = "4", memoryGB: String = "8", environment: [String: String] = [:]
        ) async throws -> Workspace {
            let folder = try TemporaryDirectory("berth-deploy")
            let home = folder.appending("home")
            let server = try await BerthServer.start(home: home, environment: environment)
            let workspace = Workspace(folder: folder, home: home, server: server)
            do {
                try await berth(
                    "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores",
                    cores, "--memory-gb", memoryGB, home: home)
                let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
                try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
            } catch {
                await workspace.stop()
                throw error
            }
            return workspace
        }

        func deploy(_ name: String, fixture: String = "echo", extra: [String] = []) async throws -> BerthCLI.Result {
            let corpus = TestPaths.corpus(fixture)
            return try await BerthCLI.run(
                [
                    "model", "deploy", "-n", name, "-m", "echo-model:1", "--ic",
                    corpus.appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                ] + extra, home: home)
        }

        func service(_ name: String) async throws -> Webservice {
            try await berthJSON(Webservice.self, "service", "show", "-n", name, home: home)
        }

        func stop() async {
            await server.stop()
            folder.remove()
        }
    }

    @Test("A deploy becomes Healthy with progress, keys and init output in the logs; delete stops it")
    func deployShowLogsDelete() async throws {
        let workspace = try await Workspace.start()
        do {
            let deployed = try await workspace.deploy("echo-svc")
            try #require(deployed.succeeded, "\(deployed)")
            #expect(deployed.stdout.contains("Packaged 3 files"), "\(deployed)")
            #expect(deployed.stdout.contains("Replicas ready: 1/1"))
            #expect(deployed.stdout.contains("Service 'echo-svc' is Healthy."))
            let service = try await workspace.service("echo-svc")
            #expect(service.state == .healthy)
            #expect(service.readyReplicas == 1)
            #expect(service.models == ["echo-model:1"])

            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "echo-svc", home: workspace.home)
            #expect(
                keys.primaryKey.count >= 32 && keys.secondaryKey.count >= 32 && keys.primaryKey != keys.secondaryKey)
            let logs = try await berth("service", "get-logs", "-n", "echo-svc", home: workspace.home)
            #expect(logs.stdout.contains("init() succeeded"))
            #expect(logs.stdout.contains("Memory limit 512 MB"), "memoryInGB 0.5 (the default) reaches the replica")
            #expect(!logs.stdout.contains(keys.primaryKey))
            try await berthFails(
                "service", "get-telemetry", "-n", "echo-svc", home: workspace.home,
                saying: "\"appInsightsEnabled\": true")

            let replicaPIDs = replicaProcesses(service: "echo-svc")
            #expect(replicaPIDs.count == 1)
            try await berth("service", "delete", "-n", "echo-svc", home: workspace.home)
            let list = try await berthJSON([Webservice].self, "service", "list", home: workspace.home)
            #expect(list.isEmpty)
            try await waitUntil { replicaProcesses(service: "echo-svc").isEmpty }
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("Scoring through the router: either key works, none or a wrong one is 401, a regenerated key stops at once")
    func scoringWithKeys() async throws {
        let workspace = try await Workspace.start()
        do {
            try #require(try await workspace.deploy("keyed-svc").succeeded)
            let service = try await workspace.service("keyed-svc")
            let uri = try #require(service.scoringUri)
            #expect(uri.hasPrefix(workspace.server.info.routerURL ?? "missing"))
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "keyed-svc", home: workspace.home)
            for key in [keys.primaryKey, keys.secondaryKey] {
                let response = try await TestHTTP.post(
                    uri, #"{"n": 7}"#,
                    headers: [
                        ("Content-Type", "application/json"), ("Authorization", "Bearer \(key)"),
                        ("x-ms-client-request-id", "client-42"),
                    ])
                #expect(response.status == 200, "\(response.text)")
                #expect(response.text.contains(#""n": 7"#))
                #expect(response.header("x-ms-request-id") != nil)
                #expect(response.header("x-ms-client-request-id") == "client-42")
            }
            let anonymous = try await TestHTTP.post(uri, "{}")
            #expect(anonymous.status == 401)
            #expect((try anonymous.json() as? [String: Any])?["error"] != nil)
            let wrong = try await TestHTTP.post(
                uri, "{}", headers: [("Authorization", "Bearer \(keys.primaryKey)x")])
            #expect(wrong.status == 401)
            #expect(!wrong.text.contains(keys.primaryKey))

            let run = try await berth(
                "service", "run", "-n", "keyed-svc", "-d", #"{"via": "cli"}"#, home: workspace.home)
            #expect(run.stdout.contains(#""via": "cli""#))

            let regenerated = try await berthJSON(
                ServiceKeys.self, "service", "regen-key", "-n", "keyed-svc", "-k", "Primary", home: workspace.home)
            #expect(regenerated.primaryKey != keys.primaryKey)
            #expect(regenerated.secondaryKey == keys.secondaryKey)
            let old = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(keys.primaryKey)")])
            #expect(old.status == 401)
            let new = try await TestHTTP.post(
                uri, "{}", headers: [("Authorization", "Bearer \(regenerated.primaryKey)")])
            #expect(new.status == 200)
            let unknown = try await TestHTTP.post(
                uri.replacingOccurrences(of: "keyed-svc", with: "no-such-svc"), "{}",
                headers: [("Authorization", "Bearer \(regenerated.primaryKey)")])
            #expect(unknown.status == 404)
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("With two replicas, killing one with SIGKILL loses no request that was not in flight")
    func replicaKillLosesNothing() async throws {
        let workspace = try await Workspace.start()
        do {
            let config = try workspace.folder.write(
                Data(#"{"computeType": "aks", "numReplicas": 2}"#.utf8), to: "two.json")
            try #require(try await workspace.deploy("pair-svc", extra: ["--dc", config.path]).succeeded)
            let uri = try #require(try await workspace.service("pair-svc").scoringUri)
            let key = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "pair-svc", home: workspace.home
            )
            .primaryKey
            let victim = try #require(replicaProcesses(service: "pair-svc").first)
            var statuses: [Int] = []
            for index in 0..<200 {
                if index == 50 { kill(victim, SIGKILL) }
                let response = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
                statuses.append(response.status)
            }
            let failures = statuses.filter { $0 != 200 }
            #expect(failures.count <= 1, "only the request in flight at the kill may fail: \(failures)")
            try await waitUntil {
                let service = try await workspace.service("pair-svc")
                return service.state == .healthy && replicaProcesses(service: "pair-svc").count == 2
            }
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("scikit-learn: the environment is built from environment.yml once; the next deploy says cache hit")
    func sklearnEnvironmentIsCached() async throws {
        let workspace = try await Workspace.start()
        do {
            let models = workspace.folder.appending("sklearn-model")
            let train = try await RunToCompletion.run(
                TestPaths.fixturePython,
                [TestPaths.corpus("sklearn-diabetes").appendingPathComponent("train.py").path, models.path])
            try #require(train.succeeded, "train.py failed: \(train.stderr)")
            try await berth(
                "model", "register", "-n", "diabetes", "-p",
                models.appendingPathComponent("sklearn_regression_model.pkl").path, home: workspace.home)
            let corpus = TestPaths.corpus("sklearn-diabetes")
            let arguments = [
                "model", "deploy", "-n", "diabetes-svc", "-m", "diabetes:1", "--ic",
                corpus.appendingPathComponent("inferenceconfig.json").path, "--dc",
                corpus.appendingPathComponent("deploymentconfig.json").path, "--ct", "mylocal",
            ]
            let first = try await BerthCLI.run(arguments, home: workspace.home)
            try #require(first.succeeded, "\(first)")
            #expect(first.stdout.contains("Service 'diabetes-svc' is Healthy."))
            let sample = try String(contentsOf: corpus.appendingPathComponent("sample-request.json"), encoding: .utf8)
            let scored = try await berth("service", "run", "-n", "diabetes-svc", "-d", sample, home: workspace.home)
            let predictions = try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [Double]
            #expect(predictions?.count == 2, "\(scored)")
            let second = try await BerthCLI.run(arguments + ["--overwrite"], home: workspace.home)
            try #require(second.succeeded, "\(second)")
            #expect(second.stdout.contains("cache hit"), "\(second)")
            #expect(!second.stdout.contains("cache miss"), "\(second)")
            #expect(!second.stdout.contains("Collecting"), "pip ran again: \(second)")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("A deploy that does not fit is Unschedulable with the numbers; deleting another service frees the capacity")
    func unschedulableAndCapacity() async throws {
        // 0.1 CPU per replica (the default) on a 2-core DevTest-sized cluster: 'big' asks for 3 replicas of 1 CPU.
        let workspace = try await Workspace.start(cores: "2", memoryGB: "4")
        do {
            let config = try workspace.folder.write(
                Data(
                    #"{"computeType": "aks", "numReplicas": 2, "containerResourceRequirements": {"cpu": 1, "memoryInGB": 1}}"#
                        .utf8),
                to: "two-cores.json")
            let first = try await workspace.deploy("first", extra: ["--dc", config.path])
            try #require(first.succeeded, "\(first)")
            let second = try await workspace.deploy("second", extra: ["--dc", config.path])
            #expect(!second.succeeded)
            #expect(second.stderr.contains("needs 1 CPU and 1 GB"), "\(second)")
            #expect(second.stderr.contains("cluster 'mylocal' has 0 CPU and 2 GB free of 2 CPU and 4 GB"), "\(second)")
            #expect(try await workspace.service("second").state == .unschedulable)

            try await berth("service", "delete", "-n", "first", home: workspace.home)
            let again = try await workspace.deploy("second", extra: ["--dc", config.path, "--overwrite"])
            #expect(again.succeeded, "\(again)")
            #expect(try await workspace.service("second").state == .healthy)
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("A replica killed with SIGKILL is restarted and the service is ready again")
    func replicaKilledIsHealed() async throws {
        let workspace = try await Workspace.start()
        do {
            try #require(try await workspace.deploy("heal-svc").succeeded)
            let before = try #require(replicaProcesses(service: "heal-svc").first)
            kill(before, SIGKILL)
            try await waitUntil { try await workspace.service("heal-svc").state == .unhealthy }
            try await waitUntil {
                let now = replicaProcesses(service: "heal-svc")
                guard now.count == 1, now[0] != before else { return false }
                return try await workspace.service("heal-svc").state == .healthy
            }
            let logs = try await berth("service", "get-logs", "-n", "heal-svc", home: workspace.home)
            #expect(logs.stdout.components(separatedBy: "init() succeeded").count == 3, "two starts logged")
            #expect(logs.stdout.contains("killed by signal 9") || workspace.server.log.contains("killed by signal 9"))
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("A hung replica (SIGSTOP) fails its liveness probe and is replaced")
    func hungReplicaFailsLiveness() async throws {
        let workspace = try await Workspace.start()
        do {
            let config = try workspace.folder.write(
                Data(
                    #"{"computeType": "aks", "livenessProbeRequirements": {"initialDelaySeconds": 1, "periodSeconds": 1, "timeoutSeconds": 1, "failureThreshold": 2}}"#
                        .utf8), to: "liveness.json")
            try #require(try await workspace.deploy("hung-svc", extra: ["--dc", config.path]).succeeded)
            let hung = try #require(replicaProcesses(service: "hung-svc").first)
            kill(hung, SIGSTOP)
            try await waitUntil {
                let now = replicaProcesses(service: "hung-svc")
                guard now.count == 1, now[0] != hung else { return false }
                return try await workspace.service("hung-svc").state == .healthy
            }
            #expect(workspace.server.log.contains("liveness probe"), "\(workspace.server.log)")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("After kill -9 of the server its replicas exit, and a restarted server brings the service back Healthy")
    func serverRestartRestoresServices() async throws {
        let workspace = try await Workspace.start()
        do {
            try #require(try await workspace.deploy("keep-svc").succeeded)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "keep-svc", home: workspace.home)
            await workspace.server.kill9()
            try await waitUntil { replicaProcesses(service: "keep-svc").isEmpty }
            let restarted = try await BerthServer.start(home: workspace.home)
            try await waitUntil { try await workspace.service("keep-svc").state == .healthy }
            #expect(replicaProcesses(service: "keep-svc").count == 1)
            let after = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "keep-svc", home: workspace.home)
            #expect(after == keys)
            await restarted.stop()
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("init() failing makes the deploy Failed with the traceback from the replica log")
    func failingInitFailsTheDeploy() async throws {
        let workspace = try await Workspace.start()
        do {
            let source = try workspace.folder.write(
                Data("def init():\n    raise RuntimeError('no model here')\n\ndef run(raw):\n    return raw\n".utf8),
                to: "broken/score.py")
            let config = try workspace.folder.write(
                Data(#"{"entryScript": "score.py", "sourceDirectory": "."}"#.utf8), to: "broken/inferenceconfig.json")
            _ = source
            let result = try await BerthCLI.run(
                ["model", "deploy", "-n", "broken", "-m", "echo-model:1", "--ic", config.path, "--ct", "mylocal"],
                home: workspace.home)
            #expect(!result.succeeded)
            #expect(result.stderr.contains("never became ready"), "\(result)")
            #expect(result.stderr.contains("RuntimeError: no model here"), "\(result)")
            #expect(try await workspace.service("broken").state == .failed)
            try await waitUntil { replicaProcesses(service: "broken").isEmpty }
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("Bad input is refused with the field named and nothing stored: config, name, model, duplicate service")
    func badInputIsRefused() async throws {
        let workspace = try await Workspace.start()
        do {
            let badConfig = try workspace.folder.write(
                Data(#"{"computeType": "aks", "autoScaler": {"minReplicas": 3, "maxReplicas": 1}}"#.utf8),
                to: "bad.json")
            try await berthFails(
                "model", "deploy", "-n", "svc-one", "-m", "echo-model:1", "--ic",
                TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                "--dc", badConfig.path, home: workspace.home, saying: "maxReplicas")
            try await berthFails(
                "model", "deploy", "-n", "Bad_Name", "-m", "echo-model:1", "--ic",
                TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                home: workspace.home, saying: "Bad_Name")
            try await berthFails(
                "model", "deploy", "-n", "svc-two", "-m", "nope:1", "--ic",
                TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                home: workspace.home, saying: "Model 'nope:1' does not exist")
            #expect(try await berthJSON([Webservice].self, "service", "list", home: workspace.home).isEmpty)
            try #require(try await workspace.deploy("svc-three").succeeded)
            let duplicate = try await workspace.deploy("svc-three")
            #expect(!duplicate.succeeded)
            #expect(duplicate.stderr.contains("--overwrite"))
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}

/// Pids of the `berth replica` processes serving `service` (found by their `--service-name`).
/// The suites run in parallel in one process, so each test that counts replicas needs a service
/// name no other end-to-end test deploys.
func replicaProcesses(service: String) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        guard arguments.contains("replica"), let flag = arguments.firstIndex(of: "--service-name") else { return false }
        return arguments.indices.contains(flag + 1) && arguments[flag + 1] == service
            && isDescendantOfThisProcess(pid)
    }
}

/// Whether `pid` was started (through a server) by this test process: other test runs on the
/// machine (another checkout's) deploy services with the same names.
private func isDescendantOfThisProcess(_ pid: Int32) -> Bool {
    let me = ProcessInfo.processInfo.processIdentifier
    var current = pid
    for _ in 0..<6 {
        guard let stat = try? String(contentsOfFile: "/proc/\(current)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        // After "pid (comm)": state, then the parent's pid.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let parent = Int32(fields[1]), parent > 1 else { return false }
        if parent == me { return true }
        current = parent
    }
    return false
}

/// Polls `condition` every 50 ms until it holds, failing after `timeout`.
func waitUntil(timeout: Duration = .seconds(60), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TestProcessError("Condition not met within \(timeout).")
}
