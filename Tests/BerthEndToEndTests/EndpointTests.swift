import BerthCore
import BerthTesting
import Foundation
import Synchronization
import Testing

/// Endpoints end to end: a real server, two versions of the echo fixture as real replicas, the
/// split through the real router, rules refused with their reason, a weight change and a version
/// delete under continuous load with no failed request, and per-version metrics in `endpoint show`.
@Suite(.timeLimit(.minutes(8)))
struct EndpointTests {
    /// Posts to `uri` in `concurrency` loops until `stop` is set; the versions that answered and
    /// every failure (status and body).
    private static func traffic(_ uri: String, key: String, stop: StopFlag, concurrency: Int = 4) async throws
        -> (versions: [String: Int], failures: [String])
    {
        try await withThrowingTaskGroup(of: ([String: Int], [String]).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var versions: [String: Int] = [:]
                    var failures: [String] = []
                    while !stop.value.load(ordering: .relaxed) {
                        let response = try await TestHTTP.post(
                            uri, #"{"n": 1}"#,
                            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(key)")])
                        if response.status == 200 {
                            versions[response.header("x-berth-endpoint-version") ?? "?", default: 0] += 1
                        } else {
                            failures.append("\(response.status) \(response.text)")
                        }
                    }
                    return (versions, failures)
                }
            }
            var versions: [String: Int] = [:]
            var failures: [String] = []
            for try await (part, partFailures) in group {
                versions.merge(part, uniquingKeysWith: +)
                failures += partFailures
            }
            return (versions, failures)
        }
    }

    @Test("Create, add a version, split, refuse broken rules, re-weight and delete under load, show metrics")
    func endpointLifecycle() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let home = workspace.home
            let ic = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
            let created = try await BerthCLI.run(
                ["endpoint", "create", "-n", "rollout-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", ic,
                    "--version-name", "blue", "--traffic-percentile", "20"], home: home)
            try #require(created.succeeded, "\(created)")
            let versionConfig = try workspace.folder.write(
                Data(#"{"computeType": "aksendpoint", "versionName": "green", "trafficPercentile": 30}"#.utf8),
                to: "green.json")
            let added = try await BerthCLI.run(
                ["endpoint", "version", "create", "-n", "rollout-ep", "-m", "echo-model:1", "--ic", ic, "--dc",
                    versionConfig.path], home: home)
            try #require(added.succeeded, "\(added)")

            let shown = try await BerthCLI.run(["endpoint", "show", "-n", "rollout-ep", "-o", "json"], home: home)
            try #require(shown.succeeded, "\(shown)")
            let list = try await berthJSON([Endpoint].self, "endpoint", "list", home: home)
            let stored = try #require(list.first)
            #expect(stored.versions.map(\.name) == ["blue", "green"])
            #expect(stored.versions.map(\.isDefault) == [true, false])
            let uri = try #require(stored.scoringUri)
            #expect(uri.hasSuffix("/api/v1/endpoint/rollout-ep/score"))
            // Versions are deployments, but not services in the list.
            let services = try await berthJSON([Webservice].self, "service", "list", home: home)
            #expect(services.isEmpty)

            let key = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "rollout-ep", home: home).primaryKey
            // Direct version URIs.
            let direct = try await TestHTTP.post(
                uri.replacingOccurrences(of: "/score", with: "/green/score"), "{}",
                headers: [("Authorization", "Bearer \(key)")])
            #expect(direct.status == 200, "\(direct.text)")
            #expect(direct.header("x-berth-endpoint-version") == "green")
            #expect(try await TestHTTP.post(uri, "{}").status == 401)

            try await berthFails(
                "endpoint", "get-access-token", "-n", "rollout-ep", home: home, saying: "does not use tokens")
            // Services and endpoints share names.
            try await berthFails(
                "endpoint", "create", "-n", "rollout-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", ic,
                home: home, saying: "already exists")
            try await berthFails(
                "model", "deploy", "-n", "rollout-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", ic,
                home: home, saying: "services and endpoints share names")

            // Broken rules are refused, naming the rule; nothing changes.
            try await berthFails(
                "endpoint", "version", "update", "-n", "rollout-ep", "--version-name", "green", "--traffic-percentile",
                "90", home: home, saying: "sum to 110")
            try await berthFails(
                "endpoint", "version", "delete", "-n", "rollout-ep", "--version-name", "blue", home: home,
                saying: "Make another version the default first")

            // Split 70/30 under load, then green → 80 % and default (blue 20 / green 80), then green
            // deleted after blue is default again: no request fails throughout.
            let stop = StopFlag()
            async let load = Self.traffic(uri, key: key, stop: stop)
            try await Task.sleep(for: .seconds(2))
            try await berth(
                "endpoint", "version", "update", "-n", "rollout-ep", "--version-name", "green", "--traffic-percentile",
                "80", "--is-default", home: home)
            try await Task.sleep(for: .seconds(2))
            try await berth("endpoint", "version", "update", "-n", "rollout-ep", "--version-name", "blue", "--is-default", home: home)
            try await berth("endpoint", "version", "delete", "-n", "rollout-ep", "--version-name", "green", home: home)
            try await Task.sleep(for: .seconds(1))
            stop.value.store(true, ordering: .relaxed)
            let result = try await load
            #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
            #expect((result.versions["blue"] ?? 0) > 0 && (result.versions["green"] ?? 0) > 0, "\(result.versions)")

            // After the delete only blue answers.
            for _ in 0..<10 {
                let response = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
                #expect(response.header("x-berth-endpoint-version") == "blue")
            }
            let metrics = try await BerthCLI.run(["endpoint", "show", "-n", "rollout-ep"], home: home)
            #expect(metrics.stdout.contains("P99 MS"), "\(metrics)")
            #expect(metrics.stdout.contains("blue"))
            #expect(!metrics.stdout.contains("green"))

            // Switch the endpoint to token auth: keys stop, the endpoint's token works.
            try await berthFails(
                "endpoint", "update", "-n", "rollout-ep", "--ae", "true", "--token-auth-enabled", "true", home: home,
                saying: "cannot set both")
            try await berth("endpoint", "update", "-n", "rollout-ep", "--token-auth-enabled", "true", home: home)
            #expect(try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")]).status == 401)
            let token = try await berthJSON(AccessToken.self, "endpoint", "get-access-token", "-n", "rollout-ep", home: home)
            let tokened = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(token.accessToken)")])
            #expect(tokened.status == 200, "\(tokened.text)")
            try await berthFails("endpoint", "get-keys", "-n", "rollout-ep", home: home, saying: "does not use keys")

            try await berth("endpoint", "delete", "-n", "rollout-ep", home: home)
            #expect(try await berthJSON([Endpoint].self, "endpoint", "list", home: home).isEmpty)
            #expect(try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(token.accessToken)")]).status == 404)
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    @Test("An endpoint survives a server restart: its versions come back and the split serves at the new router")
    func endpointSurvivesRestart() async throws {
        let folder = try TemporaryDirectory("berth-endpoint-restart")
        defer { folder.remove() }
        let home = folder.appending("home")
        var server = try await BerthServer.start(home: home)
        do {
            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "4",
                "--memory-gb", "8", home: home)
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
            let ic = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
            try await berth(
                "endpoint", "create", "-n", "sticky-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", ic,
                "--version-name", "one", home: home)
            try await berth(
                "endpoint", "version", "create", "-n", "sticky-ep", "-m", "echo-model:1", "--ic", ic,
                "--version-name", "two", "--traffic-percentile", "50", home: home)
            await server.stop()
            server = try await BerthServer.start(home: home)

            let listed = try #require(try await berthJSON([Endpoint].self, "endpoint", "list", home: home).first)
            #expect(listed.versions.map(\.name) == ["one", "two"])
            let uri = try #require(listed.scoringUri)
            #expect(uri.hasPrefix(try #require(server.info.routerURL)))
            let key = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "sticky-ep", home: home).primaryKey
            var seen: Set<String> = []
            try await waitUntil(timeout: .seconds(120)) {
                let response = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
                if response.status == 200, let version = response.header("x-berth-endpoint-version") {
                    seen.insert(version)
                }
                return seen == ["one", "two"]
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("A version's entry script updates in place as a rolling update, with no failed request")
    func versionCodeUpdateRolls() async throws {
        let folder = try TemporaryDirectory("berth-endpoint-update")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        do {
            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "4",
                "--memory-gb", "8", home: home)
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await berth("model", "register", "-n", "m", "-p", model.path, home: home)
            func script(_ version: Int) -> Data {
                Data("def init():\n    pass\n\n\ndef run(raw_data):\n    return {\"version\": \(version)}\n".utf8)
            }
            _ = try folder.write(script(1), to: "src/score.py")
            let ic = try folder.write(Data(#"{"entryScript": "score.py", "sourceDirectory": "."}"#.utf8), to: "src/ic.json")
            try await berth(
                "endpoint", "create", "-n", "upd-ep", "--ct", "mylocal", "-m", "m:1", "--ic", ic.path,
                "--version-name", "one", home: home)
            let endpoint = try #require(try await berthJSON([Endpoint].self, "endpoint", "list", home: home).first)
            let uri = try #require(endpoint.scoringUri)
            let key = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "upd-ep", home: home).primaryKey
            let load = ScoringLoad()
            async let driving: Void = load.run(clients: 2, uri: uri, key: key)
            try await Task.sleep(for: .milliseconds(300))
            _ = try folder.write(script(2), to: "src/score.py")
            let updated = try await BerthCLI.run(
                ["endpoint", "version", "update", "-n", "upd-ep", "--version-name", "one", "--ic", ic.path], home: home)
            try await Task.sleep(for: .milliseconds(500))
            load.stop()
            await driving
            #expect(updated.succeeded && updated.stdout.contains("is Healthy on revision"), "\(updated)")
            #expect(load.failures.isEmpty, "\(load.failures)")
            #expect(load.versions.withLock { ($0["1"] ?? 0) > 0 && ($0["2"] ?? 0) > 0 }, "\(load.versions.withLock { $0 })")
            let after = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
            #expect(after.status == 200 && after.header("x-berth-endpoint-version") == "one")
            #expect(after.text.contains("2"), "\(after.text)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("Removing a version waits for the request still running on it: a 4 s request finishes with 200, then its replicas stop")
    func versionRemovalDrainsInFlightRequests() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let (folder, home) = (workspace.folder, workspace.home)
            let echo = TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
            // The slow fixture, holding each request 4 s: longer than any fixed drain would wait.
            _ = try folder.write(
                try Data(contentsOf: TestPaths.corpus("slow").appendingPathComponent("score.py")), to: "slow/score.py")
            let slow = try folder.write(
                Data(#"{"entryScript": "score.py", "sourceDirectory": ".", "environment": {"environmentVariables": {"SLEEP_MS": "4000"}}}"#.utf8),
                to: "slow/ic.json")
            try await berth(
                "endpoint", "create", "-n", "drain-ep", "--ct", "mylocal", "-m", "echo-model:1", "--ic", echo,
                "--version-name", "fast", home: home)
            try await berth(
                "endpoint", "version", "create", "-n", "drain-ep", "-m", "echo-model:1", "--ic", slow.path, "--version-name",
                "slow", "--traffic-percentile", "100", home: home)
            let endpoint = try #require(try await berthJSON([Endpoint].self, "endpoint", "list", home: home).first)
            let uri = try #require(endpoint.scoringUri)
            let key = try await berthJSON(ServiceKeys.self, "endpoint", "get-keys", "-n", "drain-ep", home: home).primaryKey

            // All traffic goes to `slow`; one request starts, then the version is removed under it.
            async let slowAnswer: (TestResponse, ContinuousClock.Instant) = {
                let response = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
                return (response, ContinuousClock.now)
            }()
            try await Task.sleep(for: .milliseconds(800))
            let removalStarted = ContinuousClock.now
            let removed = try await BerthCLI.run(
                ["endpoint", "version", "delete", "-n", "drain-ep", "--version-name", "slow"], home: home)
            let removalEnded = ContinuousClock.now
            let removalTook = removalEnded - removalStarted
            let (answer, answeredAt) = try await slowAnswer
            #expect(removed.succeeded, "\(removed)")
            #expect(answer.status == 200, "the request running on the removed version finished: \(answer.text)")
            #expect(answer.header("x-berth-endpoint-version") == "slow")
            #expect(answer.text.contains("slept_ms"), "\(answer.text)")
            #expect(answeredAt < removalEnded, "the version's replicas stopped only after the request finished")
            #expect(removalTook > .seconds(2.5), "the removal waited for the request (\(removalTook))")
            // New requests go to the remaining version at once.
            let after = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(key)")])
            #expect(after.status == 200 && after.header("x-berth-endpoint-version") == "fast", "\(after.text)")
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}

/// Tells load loops to stop.
final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
