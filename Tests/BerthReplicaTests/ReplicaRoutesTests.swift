import BerthTesting
import Foundation
import Testing

/// The routes of Azure's scoring container on a plain entry script (the `echo` fixture).
@Suite(.timeLimit(.minutes(2)))
struct ReplicaRoutesTests {
    @Test("POST /score runs run() with the raw body and JSON-encodes its return value")
    func scoreEcho() async throws {
        try await withReplica(corpus: "echo") { replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", #"{"data": [1, 2, 3]}"#)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "application/json")
            let json = try #require(try response.json() as? [String: Any])
            #expect((json["echo"] as? [String: Any])?["data"] as? [Int] == [1, 2, 3])
            #expect((json["greeting"] as? String)?.hasPrefix("hello from ") == true)
            #expect(response.header("x-ms-run-function-failed") == "False")
            #expect(response.header("x-ms-request-id")?.count == 36)
            let execMs = try #require(response.header("x-ms-run-fn-exec-ms"))
            #expect(Double(execMs) != nil && execMs.split(separator: ".").last?.count == 3)
        }
    }

    @Test("Request ids: x-ms-request-id is kept when sent, x-ms-client-request-id and TraceId are echoed")
    func requestIDs() async throws {
        try await withReplica(corpus: "echo") { replica in
            let response = try await TestHTTP.post(
                "\(replica.baseURL)/score", "{}",
                headers: [
                    ("x-ms-request-id", "req-123"), ("x-ms-client-request-id", "client-9"), ("TraceId", "trace-1"),
                ])
            #expect(response.header("x-ms-request-id") == "req-123")
            #expect(response.header("x-ms-client-request-id") == "client-9")
            #expect(response.header("TraceId") == "trace-1")
            let two = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            let three = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(two.header("x-ms-request-id") != three.header("x-ms-request-id"))
        }
    }

    @Test("GET / is the liveness probe, /ready lists the workers, unknown paths get a JSON 404")
    func livenessReadinessAndUnknownPaths() async throws {
        try await withReplica(corpus: "echo", extraArguments: ["--workers", "2"]) { replica in
            let live = try await TestHTTP.get("\(replica.baseURL)/")
            #expect(live.status == 200)
            #expect(live.text == "Healthy")
            #expect(live.header("x-ms-request-id") != nil)
            let ready = try #require(try await TestHTTP.get("\(replica.baseURL)/ready").json() as? [String: Any])
            #expect(ready["ready"] as? Bool == true)
            #expect((ready["workers"] as? [Any])?.count == 2)
            #expect(try await workerPIDs(replica).count == 2)
            let missing = try await TestHTTP.get("\(replica.baseURL)/nothing-here")
            #expect(missing.status == 404)
            #expect((try missing.json() as? [String: Any])?["message"] as? String != nil)
        }
    }

    @Test("GET /swagger.json is a 404 that explains why when run() declares no schema")
    func swaggerMissing() async throws {
        try await withReplica(corpus: "echo") { replica in
            let response = try await TestHTTP.get("\(replica.baseURL)/swagger.json")
            #expect(response.status == 404)
            let message = try #require((try response.json() as? [String: Any])?["message"] as? String)
            #expect(message.contains("Swagger not found"))
            #expect(message.contains("inference_schema"))
        }
    }

    @Test("GET /score passes the query string to a plain run() as JSON, as Azure does")
    func getScorePassesQuery() async throws {
        try await withReplica(corpus: "echo") { replica in
            let response = try await TestHTTP.get("\(replica.baseURL)/score?a=1&b=x&a=2")
            #expect(response.status == 200)
            let json = try #require(try response.json() as? [String: Any])
            let echo = try #require(json["echo"] as? [String: Any])
            #expect(echo["a"] as? [Int] == [1, 2])
            #expect(echo["b"] as? String == "x")
        }
    }

    @Test("A str return value arrives as a JSON string literal, as on Azure")
    func stringReturnIsDoubleEncoded() async throws {
        let source = try makeFolder([
            "score.py": """
            import json
            def init(): pass
            def run(raw): return json.dumps({"a": 1})
            """
        ])
        defer { try? FileManager.default.removeItem(at: source) }
        try await withReplica(sourceDirectory: source) { replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(response.status == 200)
            #expect(response.text == #""{\"a\": 1}""#)
        }
    }

    @Test("Keep-alive: many requests on one connection all succeed")
    func keepAlive() async throws {
        try await withReplica(corpus: "echo") { replica in
            for index in 0..<50 {
                let response = try await TestHTTP.post("\(replica.baseURL)/score", #"{"i": \#(index)}"#)
                #expect(response.status == 200)
                #expect((try response.json() as? [String: Any]).flatMap { $0["echo"] as? [String: Int] } == ["i": index])
            }
        }
    }
}
