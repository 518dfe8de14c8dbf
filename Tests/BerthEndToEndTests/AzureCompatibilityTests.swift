import BerthCore
import BerthTesting
import Foundation
import Testing

/// compat.md §10, "request → expected response", against a real server: each case's service is
/// deployed from `Tests/Fixtures/compat/score.py` (its MODE set through the inference config's
/// `environmentVariables`) or the `schema` corpus case, and scored through the router.
@Suite(.timeLimit(.minutes(8)))
struct AzureCompatibilityTests {
    struct Deployed {
        let workspace: DeployTests.Workspace
        let router: String
        let keys: [String: String]

        /// `P` of compat.md §10 for `service`.
        func prefix(_ service: String) -> String { "\(router)/api/v1/service/\(service)" }
        func auth(_ service: String) -> [(String, String)] { [("Authorization", "Bearer \(keys[service] ?? "")")] }
        func json(_ service: String) -> [(String, String)] { auth(service) + [("Content-Type", "application/json")] }
    }

    /// The cases' services: name → (environment variables, deployment config extras).
    static let services: [(String, [String: String], String)] = [
        ("compat-sum", ["MODE": "sum"], ""),
        ("compat-string", ["MODE": "string"], ""),
        ("compat-raise", ["MODE": "raise"], ""),
        ("compat-echo", ["MODE": "echo"], ""),
        ("compat-timeout", ["MODE": "sleep", "SLEEP_S": "4"], #", "scoringTimeoutMs": 1500"#),
        (
            "compat-overload", ["MODE": "sleep", "SLEEP_S": "3"],
            #", "numReplicas": 1, "maxConcurrentRequestsPerContainer": 1, "maxQueueWaitMs": 500"#
        ),
    ]

    static func deploy() async throws -> Deployed {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let folder = workspace.folder
            let script = try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("compat/score.py"))
            for (name, variables, extra) in services {
                _ = try folder.write(script, to: "\(name)/score.py")
                let environment = try String(decoding: JSONEncoder().encode(variables), as: UTF8.self)
                let ic = try folder.write(
                    Data(#"{"entryScript": "score.py", "sourceDirectory": ".", "environment": {"environmentVariables": \#(environment)}}"#.utf8),
                    to: "\(name)/inferenceconfig.json")
                let dc = try folder.write(Data(#"{"computeType": "aks"\#(extra)}"#.utf8), to: "\(name)/deploymentconfig.json")
                try await berth(
                    "model", "deploy", "-n", name, "-m", "echo-model:1", "--ic", ic.path, "--dc", dc.path, "--ct",
                    "mylocal", "--no-wait", home: workspace.home)
            }
            try await berth(
                "model", "deploy", "-n", "compat-schema", "-m", "echo-model:1", "--ic",
                TestPaths.corpus("schema").appendingPathComponent("inferenceconfig.json").path, "--ct", "mylocal",
                "--no-wait", home: workspace.home)
            let names = services.map(\.0) + ["compat-schema"]
            // Up to 5 minutes: on a fresh machine the schema case builds its environment (numpy).
            let deadline = ContinuousClock.now + .seconds(300)
            while true {
                let listed = try await berthJSON([Webservice].self, "service", "list", home: workspace.home)
                let failed = listed.filter { $0.state == .failed || $0.state == .unschedulable }
                if !failed.isEmpty {
                    throw TestProcessError("A compat service did not deploy: \(failed.map { ($0.name, $0.error?.message ?? "") })")
                }
                if listed.filter({ $0.state == .healthy }).count == names.count { break }
                guard ContinuousClock.now < deadline else {
                    throw TestProcessError("The compat services are not all Healthy: \(listed.map { ($0.name, $0.state) })")
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            var keys: [String: String] = [:]
            for name in names {
                keys[name] = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", name, home: workspace.home)
                    .primaryKey
            }
            return Deployed(
                workspace: workspace, router: try #require(workspace.server.info.routerURL), keys: keys)
        } catch {
            await workspace.stop()
            throw error
        }
    }

    @Test("compat.md §10 cases 1–9 through the router")
    func cases() async throws {
        let deployed = try await Self.deploy()
        do {
            try await Self.health(deployed)
            try await Self.plainScoring(deployed)
            try await Self.keys(deployed)
            try await Self.failuresAndLimits(deployed)
            try await Self.schemaAndQuery(deployed)
        } catch {
            await deployed.workspace.stop()
            throw error
        }
        await deployed.workspace.stop()
    }

    /// 1. `GET P/` → 200 `Healthy`.
    static func health(_ deployed: Deployed) async throws {
        let health = try await TestHTTP.get(deployed.prefix("compat-sum") + "/", headers: deployed.auth("compat-sum"))
        #expect(health.status == 200 && health.text == "Healthy", "1. health: \(health.status) \(health.text)")
    }

    /// 2. Plain scoring; 3. a string result is encoded again.
    static func plainScoring(_ deployed: Deployed) async throws {
        let scored = try await TestHTTP.post(
            deployed.prefix("compat-sum") + "/score", #"{"data": [[1,2],[3,4]]}"#,
            headers: deployed.json("compat-sum") + [("x-ms-client-request-id", "client-42")])
        #expect(scored.status == 200, "2. \(scored.text)")
        #expect(scored.text == "[3, 7]", "2. body: \(scored.text)")
        #expect(scored.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(UUID(uuidString: scored.header("x-ms-request-id") ?? "") != nil, "2. x-ms-request-id is a uuid")
        #expect(scored.header("x-ms-run-function-failed") == "False")
        #expect(scored.header("x-ms-client-request-id") == "client-42")

        let string = try await TestHTTP.post(
            deployed.prefix("compat-string") + "/score", #"{"data": 1}"#, headers: deployed.json("compat-string"))
        #expect(string.status == 200 && string.text == #""{\"r\": 1}""#, "3. body: \(string.text)")
    }

    /// 4. Auth, and a primary key set by regeneration.
    static func keys(_ deployed: Deployed) async throws {
        let url = deployed.prefix("compat-sum") + "/score"
        let body = #"{"data": [[1,2]]}"#
        #expect(try await TestHTTP.post(url, body).status == 401, "4. no Authorization header")
        #expect(
            try await TestHTTP.post(url, body, headers: [("Authorization", "Bearer wrong"), ("Content-Type", "application/json")])
                .status == 401, "4. wrong key")
        try await berth(
            "service", "regen-key", "-n", "compat-sum", "--key", "Primary", "--set-key", "K9-compat-key-0123",
            home: deployed.workspace.home)
        try await waitUntil(timeout: .seconds(10)) {
            try await TestHTTP.post(url, body, headers: [("Authorization", "Bearer K9-compat-key-0123")]).status == 200
        }
        let old = try await TestHTTP.post(url, body, headers: deployed.auth("compat-sum"))
        #expect(old.status == 401, "4. the replaced primary key no longer works")
        // Other cases: an unknown key type is refused in Azure's words; the keys stay as they are.
        try await berthFails(
            "service", "regen-key", "-n", "compat-sum", "--key", "tertiary", home: deployed.workspace.home,
            saying: "Error, invalid value provided for key: Tertiary.")
        #expect(try await TestHTTP.post(url, body, headers: [("Authorization", "Bearer K9-compat-key-0123")]).status == 200)
    }

    /// 5. run() raises → 502; 6. timeout → 504; 7. overload → 503 after maxQueueWaitMs.
    static func failuresAndLimits(_ deployed: Deployed) async throws {
        let raised = try await TestHTTP.post(
            deployed.prefix("compat-raise") + "/score", "{}", headers: deployed.json("compat-raise"))
        #expect(raised.status == 502, "5. \(raised.status) \(raised.text)")
        #expect(raised.text.contains("boom"), "5. the exception text reaches the client: \(raised.text)")

        let started = ContinuousClock.now
        let timedOut = try await TestHTTP.post(
            deployed.prefix("compat-timeout") + "/score", "{}", headers: deployed.json("compat-timeout"))
        let waited = ContinuousClock.now - started
        #expect(timedOut.status == 504, "6. \(timedOut.status) \(timedOut.text)")
        #expect(waited >= .milliseconds(1400) && waited < .milliseconds(3900), "6. answered after \(waited)")

        let url = deployed.prefix("compat-overload") + "/score"
        let headers = deployed.json("compat-overload")
        async let first = TestHTTP.post(url, "{}", headers: headers)
        try await Task.sleep(for: .milliseconds(300))
        let secondStarted = ContinuousClock.now
        let second = try await TestHTTP.post(url, "{}", headers: headers)
        let secondWaited = ContinuousClock.now - secondStarted
        #expect(try await first.status == 200, "7. the first request is served")
        #expect(second.status == 503 && second.text.contains("overloaded"), "7. \(second.status) \(second.text)")
        #expect(
            secondWaited >= .milliseconds(450) && secondWaited < .milliseconds(2000),
            "7. the 503 came after maxQueueWaitMs (\(secondWaited))")
    }

    /// 8. Schema mode; 9. GET scoring with a query string.
    static func schemaAndQuery(_ deployed: Deployed) async throws {
        let schema = deployed.prefix("compat-schema")
        let plain = try await TestHTTP.post(
            schema + "/score", #"{"data": [[1.0, 2.0]]}"#,
            headers: deployed.auth("compat-schema") + [("Content-Type", "text/plain")])
        #expect(plain.status == 415, "8. \(plain.status) \(plain.text)")
        #expect(plain.text.contains("Expects Content-Type to be application/json"), "8. \(plain.text)")
        let typed = try await TestHTTP.post(
            schema + "/score", #"{"data": [[1.0, 2.0, 3.0]]}"#, headers: deployed.json("compat-schema"))
        #expect(typed.status == 200 && typed.text == "[6.0]", "8. \(typed.text)")
        let swagger = try await TestHTTP.get(schema + "/swagger.json", headers: deployed.auth("compat-schema"))
        #expect(swagger.status == 200, "8. swagger: \(swagger.status)")
        let document = try swagger.json() as? [String: Any]
        #expect(document?["swagger"] as? String == "2.0")
        let definitions = document?["definitions"] as? [String: Any]
        let input = (definitions?["ServiceInput"] as? [String: Any])?["properties"] as? [String: Any]
        #expect(input?["data"] != nil, "8. definitions.ServiceInput.properties.data")
        #expect(swagger.text.contains("RunMLService"))
        let noSwagger = try await TestHTTP.get(
            deployed.prefix("compat-sum") + "/swagger.json", headers: [("Authorization", "Bearer K9-compat-key-0123")])
        #expect(noSwagger.status == 404 && noSwagger.text.contains("Swagger not found"), "8. \(noSwagger.text)")

        let query = try await TestHTTP.get(
            deployed.prefix("compat-echo") + "/score?a=1&a=2&b=x", headers: deployed.auth("compat-echo"))
        #expect(query.status == 200, "9. \(query.text)")
        let received = try JSONSerialization.jsonObject(with: Data(query.text.utf8), options: .fragmentsAllowed) as? String
        let parsed = try received.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(parsed??["b"] as? String == "x", "9. run received \(received ?? query.text)")
        #expect((parsed??["a"] as? [Any])?.count == 2, "9. run received \(received ?? query.text)")
    }
}
