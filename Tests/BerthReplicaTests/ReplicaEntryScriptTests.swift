import BerthTesting
import Foundation
import Testing

/// Every kind of entry script in `Tests/Fixtures/corpus`, served unchanged by a real replica.
@Suite(.timeLimit(.minutes(3)))
struct ReplicaEntryScriptTests {
    @Test("run() raising gives a 500 with the exception text and x-ms-run-function-failed: True")
    func runRaises() async throws {
        try await withReplica(corpus: "failing") { replica in
            let failed = try await TestHTTP.post("\(replica.baseURL)/score", #"{"fail": true}"#)
            #expect(failed.status == 500)
            #expect(failed.text.contains("run failed on purpose"))
            #expect(failed.header("x-ms-run-function-failed") == "True")
            #expect(replica.log.contains("ValueError: run failed on purpose"))
            let fine = try await TestHTTP.post("\(replica.baseURL)/score", #"{"fail": false}"#)
            #expect(fine.status == 200)
            #expect(fine.text == #"{"ok": true}"#)
            #expect(fine.header("x-ms-run-function-failed") == "False")
        }
    }

    @Test("init() raising leaves the replica not ready, with the traceback in its log and in /ready")
    func initRaises() async throws {
        try await withReplica(corpus: "failing", environment: ["FAIL_INIT": "1"], waitUntilReady: false) { replica in
            try await replica.waitUntil { replica.log.contains("init failed on purpose") }
            let ready = try await TestHTTP.get("\(replica.baseURL)/ready")
            #expect(ready.status == 503)
            #expect(ready.text.contains("init failed on purpose"))
            #expect(replica.log.contains("Traceback"))
            let score = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(score.status == 503)
            #expect(score.text.contains("No worker is ready"))
            #expect(replica.isRunning)
        }
    }

    @Test("@rawhttp scripts get the request (method, body, headers) and shape their own response")
    func rawHTTP() async throws {
        try await withReplica(corpus: "rawhttp") { replica in
            let posted = try await TestHTTP.post(
                "\(replica.baseURL)/score", "0123456789",
                headers: [("Content-Type", "application/octet-stream"), ("X-Tenant", "contoso")])
            #expect(posted.status == 200)
            #expect(posted.header("Content-Type") == "application/json")
            let json = try #require(try posted.json() as? [String: Any])
            #expect(json["length"] as? Int == 10)
            #expect(json["tenant"] as? String == "contoso")
            let got = try await TestHTTP.get("\(replica.baseURL)/score")
            #expect(got.status == 405)
            #expect(got.text == "use POST")
        }
    }

    @Test("Several models: Model.get_model_path finds each under AZUREML_MODEL_DIR/<name>/<version>")
    func multimodel() async throws {
        let models = try makeFolder([
            "first/1/first.txt": "I am the first model\n",
            "second/3/second.txt": "I am the second model\n",
        ])
        defer { try? FileManager.default.removeItem(at: models) }
        try await withReplica(corpus: "multimodel", modelDirectory: models) { replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", "{}")
            #expect(response.status == 200)
            let json = try #require(try response.json() as? [String: String])
            #expect(json == ["first": "I am the first model", "second": "I am the second model"])
        }
    }

    @Test("inference_schema: parsed arguments, a swagger document, 415 without a JSON content type")
    func schema() async throws {
        try await withReplica(corpus: "schema", python: TestPaths.fixturePython) { replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", #"{"data": [[1.0, 2.0, 3.0]]}"#)
            #expect(response.status == 200, "\(response.text)")
            #expect(try response.json() as? [Double] == [6.0])
            let swagger = try await TestHTTP.get("\(replica.baseURL)/swagger.json")
            #expect(swagger.status == 200)
            let document = try #require(try swagger.json() as? [String: Any])
            #expect(document["swagger"] as? String == "2.0")
            #expect((document["paths"] as? [String: Any])?.keys.contains { $0.hasSuffix("/score") } == true)
            let wrongType = try await TestHTTP.post(
                "\(replica.baseURL)/score", #"{"data": [[1.0, 2.0, 3.0]]}"#, headers: [("Content-Type", "text/plain")])
            #expect(wrongType.status == 415)
            #expect(wrongType.text.contains("Expects Content-Type to be application/json"))
        }
    }

    @Test("A real scikit-learn model trained by the test is loaded in init() and scores requests")
    func sklearnDiabetes() async throws {
        let models = try TestPaths.makeTemporaryDirectory("berth-sklearn")
        defer { try? FileManager.default.removeItem(at: models) }
        let train = try await RunToCompletion.run(
            "/usr/bin/env",
            [TestPaths.fixturePython, TestPaths.corpus("sklearn-diabetes").appendingPathComponent("train.py").path, models.path])
        try #require(train.succeeded, "train.py failed: \(train.stderr)")
        let modelDirectory = models
        let sample = try String(
            contentsOf: TestPaths.corpus("sklearn-diabetes").appendingPathComponent("sample-request.json"), encoding: .utf8)
        try await withReplica(corpus: "sklearn-diabetes", modelDirectory: modelDirectory, python: TestPaths.fixturePython) {
            replica in
            let response = try await TestHTTP.post("\(replica.baseURL)/score", sample)
            #expect(response.status == 200, "\(response.text)")
            let predictions = try #require(try response.json() as? [Double])
            #expect(predictions.count == 2)
            #expect(predictions.allSatisfy { $0.isFinite && $0 > 0 })
        }
    }
}
