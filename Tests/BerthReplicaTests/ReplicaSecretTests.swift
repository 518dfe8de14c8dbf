import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// `berth replica` with `BERTH_REPLICA_SECRET` set, as in a Kubernetes Pod: scoring routes answer
/// only requests carrying the secret in `x-berth-replica-secret` (what the router adds); the
/// kubelet's probes stay open; the entry script sees neither the header nor the variable.
@Suite(.timeLimit(.minutes(2)))
struct ReplicaSecretTests {
    static let secret = "5e1f0c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
    static let environment = ["BERTH_REPLICA_SECRET": secret]

    /// The `message` of a replica's JSON error body.
    static func message(_ response: TestResponse) -> String? {
        (try? response.json() as? [String: Any])?["message"] as? String
    }

    @Test("/score without the secret or with a wrong one is a JSON 401; with it, 200")
    func scoreNeedsTheSecret() async throws {
        try await withReplica(corpus: "echo", environment: Self.environment) { replica in
            let score = "\(replica.baseURL)/score"
            let missing = try await TestHTTP.post(score, #"{"x": 1}"#)
            #expect(missing.status == 401)
            #expect(missing.header("Content-Type") == "application/json")
            #expect(Self.message(missing)?.contains("reached only through the Berth router") == true, "\(missing.text)")
            for wrong in ["nope", String(Self.secret.dropLast()), Self.secret + "0", Self.secret.uppercased()] {
                let response = try await TestHTTP.post(
                    score, #"{"x": 1}"#,
                    headers: [("Content-Type", "application/json"), ("x-berth-replica-secret", wrong)])
                #expect(response.status == 401, "\(wrong)")
            }
            let twice = try await TestHTTP.post(
                score, #"{"x": 1}"#,
                headers: [("x-berth-replica-secret", Self.secret), ("x-berth-replica-secret", Self.secret)])
            #expect(twice.status == 401, "one header, not several")
            let right = try await TestHTTP.post(
                score, #"{"x": 1}"#,
                headers: [("Content-Type", "application/json"), ("X-Berth-Replica-Secret", Self.secret)])
            #expect(right.status == 200, "\(right.text)")
            #expect(right.text.contains("hello from"))
            let get = try await TestHTTP.get("\(score)?a=1", headers: [("x-berth-replica-secret", Self.secret)])
            #expect(get.status == 200)
            let getWithout = try await TestHTTP.get("\(score)?a=1")
            #expect(getWithout.status == 401)
        }
    }

    @Test("/ and /ready answer without the secret; /swagger.json and unknown paths do not")
    func probesStayOpen() async throws {
        try await withReplica(corpus: "echo", environment: Self.environment) { replica in
            let live = try await TestHTTP.get("\(replica.baseURL)/")
            #expect(live.status == 200)
            #expect(live.text == "Healthy")
            for path in ["/ready", "/ready?verbose=1"] {
                let ready = try await TestHTTP.get(replica.baseURL + path)
                #expect(ready.status == 200, "\(path)")
            }
            let swagger = try await TestHTTP.get("\(replica.baseURL)/swagger.json")
            #expect(swagger.status == 401)
            #expect(Self.message(swagger)?.contains("router") == true)
            let withSecret = try await TestHTTP.get(
                "\(replica.baseURL)/swagger.json", headers: [("x-berth-replica-secret", Self.secret)])
            #expect(withSecret.status == 404, "the echo script has no schema: past the check")
            let unknown = try await TestHTTP.get("\(replica.baseURL)/nothing-here")
            #expect(unknown.status == 401)
            let head = try await TestHTTP.send(.HEAD, "\(replica.baseURL)/score")
            #expect(head.status == 401)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test("The entry script sees neither the header nor BERTH_REPLICA_SECRET, and the log never shows it")
    func secretStaysWithTheHost() async throws {
        let source = try makeFolder([
            "score.py": """
            import json
            import os

            from azureml.contrib.services.aml_request import rawhttp
            from azureml.contrib.services.aml_response import AMLResponse


            def init():
                pass


            @rawhttp
            def run(request):
                seen = {
                    "header": request.headers.get("x-berth-replica-secret"),
                    "environment": os.environ.get("BERTH_REPLICA_SECRET"),
                    "other": request.headers.get("x-other"),
                }
                return AMLResponse(json.dumps(seen), 200, {"Content-Type": "application/json"})
            """
        ])
        defer { try? FileManager.default.removeItem(at: source) }
        try await withReplica(sourceDirectory: source, environment: Self.environment) { replica in
            let response = try await TestHTTP.post(
                "\(replica.baseURL)/score", "{}",
                headers: [("x-berth-replica-secret", Self.secret), ("x-other", "kept")])
            #expect(response.status == 200, "\(response.text)")
            let seen = try #require(try response.json() as? [String: Any])
            #expect(seen["header"] is NSNull)
            #expect(seen["environment"] is NSNull)
            #expect(seen["other"] as? String == "kept")
            #expect(replica.log.contains("router.secret=required"), "\(replica.log)")
            #expect(!replica.log.contains(Self.secret))
        }
    }

    @Test("Without BERTH_REPLICA_SECRET (or with it empty) the replica checks nothing, as a local replica")
    func noSecretNoCheck() async throws {
        try await withReplica(corpus: "echo", environment: ["BERTH_REPLICA_SECRET": ""]) { replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(response.status == 200)
            #expect(replica.log.contains("router.secret=not required"), "\(replica.log)")
        }
    }
}
