import BerthCore
import BerthRouter
import BerthTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The router in front of real `berth replica` processes running the corpus fixtures.
struct RouterReplicaTests {
    @Test(.timeLimit(.minutes(2))) func echoFixtureScoresThroughTheRouter() async throws {
        try await withFixtureReplica("echo") { replica in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1", "K2"], replicas: [replica.endpoint]))
                for key in ["K1", "K2"] {
                    let response = try await TestHTTP.post(
                        "\(base)/api/v1/service/svc/score", #"{"data": [1, 2]}"#,
                        headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(key)")])
                    #expect(response.status == 200)
                    let object = try #require(try response.json() as? [String: Any])
                    #expect((object["echo"] as? [String: Any])?["data"] as? [Int] == [1, 2])
                    #expect(response.header("x-ms-run-function-failed") == "False")
                    #expect(response.header("x-ms-request-id") != nil)
                }
                #expect(try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}").status == 401)
                // No schema decorators: the replica's own 404 comes through.
                let swagger = try await TestHTTP.get(
                    "\(base)/api/v1/service/svc/swagger.json", headers: [("Authorization", "Bearer K1")])
                #expect(swagger.status == 404)
                #expect(swagger.text.contains("Swagger not found"))
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func runFailureOfTheFailingFixtureIs502() async throws {
        try await withFixtureReplica("failing") { replica in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [replica.endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                let failed = try await TestHTTP.post(url, #"{"fail": true}"#)
                #expect(failed.status == 502)
                #expect(failed.text.contains("run failed on purpose"))
                #expect(try await TestHTTP.post(url, #"{"fail": false}"#).status == 200)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func replicaKilledMidRequestIs502() async throws {
        try await withFixtureReplica("slow", environment: ["SLEEP_MS": "5000"]) { replica in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [replica.endpoint]))
                async let response = TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                try await eventually { router.load().services["svc"]?.inFlight == 1 }
                // Wait until the replica's worker holds it, so the kill lands mid-request.
                try await replica.process.waitUntil {
                    try await TestHTTP.get("\(replica.process.baseURL)/ready").text.contains(#""state":"busy""#)
                }
                kill(replica.process.pid, SIGKILL)
                let answer = try await response
                #expect(answer.status == 502)
                #expect(router.load().services["svc"]?.inFlight == 0)
            }
        }
    }
}

/// A running fixture replica and its route-table entry.
struct FixtureReplica {
    var process: ReplicaProcess
    var endpoint: ReplicaEndpoint { ReplicaEndpoint(id: "replica-\(process.port)", port: process.port) }
}

/// Starts `berth replica` on corpus fixture `name` (empty model folder) and always stops it.
func withFixtureReplica(
    _ name: String, environment: [String: String] = [:], _ body: (FixtureReplica) async throws -> Void
) async throws {
    let models = try TestPaths.makeTemporaryDirectory("berth-models")
    defer { try? FileManager.default.removeItem(at: models) }
    let process = try await ReplicaProcess.start(
        [
            "--entry-script", "score.py", "--source-dir", TestPaths.corpus(name).path, "--model-dir", models.path,
            "--python", "python3",
        ],
        environment: environment)
    do {
        try await body(FixtureReplica(process: process))
    } catch {
        let log = process.log
        await process.stop()
        throw TestProcessError("\(error)\nReplica log:\n\(log)")
    }
    await process.stop()
}
