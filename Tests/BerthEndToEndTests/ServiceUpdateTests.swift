import BerthCore
import BerthTesting
import Foundation
import Synchronization
import Testing

/// `berth service update` against a real server: rolling updates under load, a failed update that
/// rolls back, and settings that apply without restarting replicas.
@Suite(.timeLimit(.minutes(5)))
struct ServiceUpdateTests {
    /// A workspace with its own copy of an echo-style entry script that answers `{"version": N}`.
    struct Updatable {
        let folder: TemporaryDirectory
        let home: URL
        let server: BerthServer
        let name: String

        static func start(name: String, replicas: Int) async throws -> Updatable {
            let folder = try TemporaryDirectory("berth-update")
            let home = folder.appending("home")
            let server = try await BerthServer.start(home: home)
            let updatable = Updatable(folder: folder, home: home, server: server, name: name)
            do {
                try await berth(
                    "computetarget", "create", "local", "-n", "cluster", "--cluster-purpose", "DevTest", "--cores", "4",
                    "--memory-gb", "8", home: home)
                let model = try folder.write(Data("weights\n".utf8), to: "model/model.txt")
                try await berth("model", "register", "-n", "m", "-p", model.path, home: home)
                try updatable.writeScript(version: 1)
                _ = try folder.write(
                    Data(#"{"entryScript": "score.py", "sourceDirectory": "."}"#.utf8), to: "src/inferenceconfig.json")
                let config = """
                    {"computeType": "aks", "numReplicas": \(replicas), "maxQueueWaitMs": 10000,
                     "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25}}
                    """
                let dc = try folder.write(Data(config.utf8), to: "deploymentconfig.json")
                try await berth(
                    "model", "deploy", "-n", name, "-m", "m:1", "--ic", updatable.inferenceConfig, "--dc", dc.path,
                    "--ct", "cluster", home: home)
            } catch {
                await updatable.stop()
                throw error
            }
            return updatable
        }

        var inferenceConfig: String { folder.appending("src/inferenceconfig.json").path }

        /// Rewrites the entry script: version `version`, or one whose `init()` always raises.
        func writeScript(version: Int, failingInit: Bool = false) throws {
            let initBody = failingInit ? "raise RuntimeError('this version cannot start')" : "pass"
            let script = """
                def init():
                    \(initBody)


                def run(raw_data):
                    return {"version": \(version)}
                """
            _ = try folder.write(Data(script.utf8), to: "src/score.py")
        }

        func service() async throws -> Webservice {
            try await berthJSON(Webservice.self, "service", "show", "-n", name, home: home)
        }

        func key() async throws -> String {
            try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", name, home: home).primaryKey
        }

        func score(key: String?) async throws -> TestResponse {
            let uri = try #require(try await service().scoringUri)
            var headers = [("Content-Type", "application/json")]
            if let key { headers.append(("Authorization", "Bearer \(key)")) }
            return try await TestHTTP.post(uri, "{}", headers: headers)
        }

        func stop() async {
            await server.stop()
            folder.remove()
        }
    }

    @Test("A new entry script rolls the replicas under load with no failed request")
    func rollingUpdateUnderLoad() async throws {
        let service = try await Updatable.start(name: "roll-svc", replicas: 2)
        do {
            let before = Set(replicaProcesses(service: "roll-svc"))
            #expect(before.count == 2)
            let load = ScoringLoad()
            let uri = try #require(try await service.service().scoringUri)
            let key = try await service.key()
            async let driving: Void = load.run(clients: 3, uri: uri, key: key)
            try await Task.sleep(for: .milliseconds(500))
            try service.writeScript(version: 2)
            let updated = try await berth(
                "service", "update", "-n", "roll-svc", "--ic", service.inferenceConfig, home: service.home)
            #expect(updated.stdout.contains("Rolling 2 replica(s)"), "\(updated)")
            #expect(updated.stdout.contains("is Healthy on revision"), "\(updated)")
            try await Task.sleep(for: .milliseconds(1500))
            load.stop()
            await driving
            #expect(load.failures.isEmpty, "no request failed during the update: \(load.failures)")
            let versions = load.versions.withLock { $0 }
            #expect((versions["1"] ?? 0) > 0 && (versions["2"] ?? 0) > 0, "\(versions)")
            let after = try await service.score(key: try await service.key())
            #expect(after.status == 200)
            #expect(after.text.contains("\"version\": 2") || after.text.contains("\"version\":2"), "\(after.text)")
            try await waitUntil(timeout: .seconds(30)) { replicaProcesses(service: "roll-svc").count == 2 }
            #expect(Set(replicaProcesses(service: "roll-svc")).isDisjoint(with: before), "the old replicas stopped")
            let shown = try await service.service()
            #expect(shown.state == .healthy && shown.readyReplicas == 2 && shown.error == nil)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }

    @Test("An update whose replicas never become ready is rolled back; the old version keeps serving")
    func failedUpdateRollsBack() async throws {
        let service = try await Updatable.start(name: "rollback-svc", replicas: 1)
        do {
            let before = Set(replicaProcesses(service: "rollback-svc"))
            let load = ScoringLoad()
            let uri = try #require(try await service.service().scoringUri)
            let key = try await service.key()
            async let driving: Void = load.run(clients: 2, uri: uri, key: key)
            try service.writeScript(version: 2, failingInit: true)
            let failed = try await BerthCLI.run(
                ["service", "update", "-n", "rollback-svc", "--ic", service.inferenceConfig], home: service.home)
            #expect(failed.exitCode == 1, "\(failed)")
            #expect(failed.stderr.contains("rolled back"), "\(failed)")
            #expect(failed.stderr.contains("this version cannot start"), "the reason reaches the user: \(failed)")
            try await Task.sleep(for: .milliseconds(500))
            load.stop()
            await driving
            #expect(load.failures.isEmpty, "\(load.failures)")
            #expect(load.versions.withLock { $0["2"] } == nil)
            let shown = try await service.service()
            #expect(shown.state == .healthy)
            #expect(shown.error?.code == "UpdateFailed")
            #expect(shown.error?.message.contains("keeps serving") == true)
            #expect(
                before.isSubset(of: Set(replicaProcesses(service: "rollback-svc"))), "the old replica never stopped")
            try await waitUntil(timeout: .seconds(30)) { Set(replicaProcesses(service: "rollback-svc")) == before }
            let after = try await service.score(key: try await service.key())
            #expect(after.status == 200 && after.text.contains("1"))
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }

    @Test("Auth and replica-count changes apply without restarting replicas")
    func settingsApplyWithoutRestart() async throws {
        let service = try await Updatable.start(name: "settings-svc", replicas: 1)
        do {
            let before = Set(replicaProcesses(service: "settings-svc"))
            #expect(try await service.score(key: nil).status == 401)
            let updated = try await berth(
                "service", "update", "-n", "settings-svc", "--auth-enabled", "false", "--replicas", "2",
                "--max-request-wait-time", "2000", home: service.home)
            #expect(updated.stdout.contains("Applied without restarting replicas"), "\(updated)")
            #expect(updated.stdout.contains("authEnabled false"), "\(updated)")
            #expect(try await service.score(key: nil).status == 200)
            try await waitUntil(timeout: .seconds(30)) { try await service.service().readyReplicas == 2 }
            let after = Set(replicaProcesses(service: "settings-svc"))
            #expect(before.isSubset(of: after) && after.count == 2, "the first replica kept running")
            let shown = try await service.service()
            #expect(shown.deploymentConfig.maxQueueWaitMs == 2000 && shown.deploymentConfig.numReplicas == 2)

            try await berthFails(
                "service", "update", "-n", "settings-svc", home: service.home,
                saying: "No parameters provided to update")
            try await berthFails(
                "service", "update", "-n", "settings-svc", "--autoscale-target-utilization", "150", home: service.home,
                saying: "targetUtilization")
            #expect(
                try await service.service().deploymentConfig == shown.deploymentConfig,
                "a refused update changes nothing")
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }

    @Test("Switching a live service to token auth needs no restart: keys stop working, tokens start")
    func tokenAuthSwitchesWithoutRestart() async throws {
        let service = try await Updatable.start(name: "auth-switch-svc", replicas: 1)
        do {
            let before = Set(replicaProcesses(service: "auth-switch-svc"))
            let key = try await service.key()
            #expect(try await service.score(key: key).status == 200)
            let updated = try await berth(
                "service", "update", "-n", "auth-switch-svc", "--token-auth-enabled", "true", home: service.home)
            #expect(updated.stdout.contains("Applied without restarting replicas"), "\(updated)")
            #expect(updated.stdout.contains("tokenAuthEnabled true"), "\(updated)")
            #expect(try await service.score(key: key).status == 401, "key auth is off with token auth on")
            let token = try await berthJSON(
                AccessToken.self, "service", "get-access-token", "-n", "auth-switch-svc", home: service.home)
            #expect(try await service.score(key: token.accessToken).status == 200)
            #expect(Set(replicaProcesses(service: "auth-switch-svc")) == before)
        } catch {
            await service.stop()
            throw error
        }
        await service.stop()
    }
}
