import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

/// `POST /api/v1/routers/load` through a real `berth server` on loopback: a report speaks for the
/// one compute target it names, is refused whole (and keeps nothing) when it names another
/// cluster's service, an unknown one or numbers out of range, and no report takes the server down.
///
/// The workspace is made beforehand with two local compute targets and a service on each, stored
/// as Failed so that the server neither restores nor scales them: no replica, no Python.
struct RouterLoadRoutesTests {
    @Test("Load reports are scoped to their compute target and bounded", .timeLimit(.minutes(2)))
    func reportsAreScopedAndBounded() async throws {
        let folder = try TemporaryDirectory("berth-router-load")
        defer { folder.remove() }
        let home = folder.appending("home")
        try await Self.seedWorkspace(at: home)
        try await BerthServer.withRunning(home: home) { server in
            try await check(server)
        }
    }

    static func seedWorkspace(at home: URL) async throws {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let store = try SQLiteMetadataStore(path: WorkspaceLayout(root: home).database)
        for compute in ["local-a", "local-b"] {
            try await store.insertCompute(
                ComputeTarget(
                    name: compute, computeType: .local, clusterPurpose: .devTest, provisioningState: .succeeded,
                    capacity: ClusterCapacity(cores: 2, memoryInGB: 4)))
        }
        for (service, compute) in [("svc-a", "local-a"), ("svc-b", "local-b")] {
            let stored = Webservice(
                name: service, computeName: compute, computeType: "Local", models: [],
                inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: DeploymentConfig(),
                desiredReplicas: 1)
            let never = ErrorDetail(code: "Seeded", message: "Made by the test; never deployed.")
            try await store.saveService(stored, status: WebserviceStatus(rollout: RolloutCondition(.failed, error: never)))
        }
    }

    func check(_ server: BerthServer) async throws {
        let url = server.baseURL + "/api/v1/routers/load"
        let admin = [("Authorization", "Bearer \(try server.adminToken())"), ("Content-Type", "application/json")]
        func post(_ body: String) async throws -> TestResponse { try await TestHTTP.post(url, body, headers: admin) }
        func listed() async throws -> [String] {
            let response = try await TestHTTP.get(url, headers: admin)
            #expect(response.status == 200, "\(response.text)")
            return (try response.json() as? [String: Any])?["routers"] as? [String] ?? []
        }
        func errorCode(_ response: TestResponse) -> String? {
            ((try? response.json() as? [String: Any])?["error"] as? [String: Any])?["code"] as? String
        }

        // Each cluster's "r1" is its own: B's report does not replace A's.
        let a = try await post(
            #"{"router": "r1", "compute": "local-a", "services": {"svc-a": {"inFlight": 2, "queued": 1}}}"#)
        #expect(a.status == 204, "\(a.text)")
        let b = try await post(
            #"{"router": "r1", "compute": "local-b", "services": {"svc-b": {"inFlight": 1, "queued": 0}}}"#)
        #expect(b.status == 204, "\(b.text)")
        #expect(try await listed() == ["local-a/r1", "local-b/r1"])

        // Another cluster's service: 403, and nothing of the report is kept (svc-a's part neither).
        let mixed = try await post(
            #"{"router": "r-mixed", "compute": "local-a", "services": {"svc-a": {"inFlight": 9, "queued": 0}, "svc-b": {"inFlight": 9, "queued": 0}}}"#
        )
        #expect(mixed.status == 403, "\(mixed.text)")
        #expect(errorCode(mixed) == "Forbidden")
        #expect(mixed.text.contains("services.svc-b"), "\(mixed.text)")
        // A service that does not exist, or a compute target: 400, nothing kept.
        let unknown = try await post(
            #"{"router": "r-unknown", "compute": "local-a", "services": {"svc-a": {"inFlight": 1, "queued": 0}, "svc-zzz": {"inFlight": 1, "queued": 0}}}"#
        )
        #expect(unknown.status == 400 && unknown.text.contains("services.svc-zzz"), "\(unknown.text)")
        let nowhere = try await post(#"{"router": "r-nowhere", "compute": "nowhere", "services": {}}"#)
        #expect(nowhere.status == 400 && nowhere.text.contains("'compute'"), "\(nowhere.text)")

        // The admin token must still name the compute target; without any token, 401.
        let noCompute = try await post(#"{"router": "r2", "services": {}}"#)
        #expect(noCompute.status == 400 && noCompute.text.contains("'compute'"), "\(noCompute.text)")
        let anonymous = try await TestHTTP.post(
            url, #"{"router": "r2", "compute": "local-a", "services": {}}"#,
            headers: [("Content-Type", "application/json")])
        #expect(anonymous.status == 401)

        // Bad ids and numbers: 400 naming the field.
        let badRouter = try await post(#"{"router": "Router_1", "compute": "local-a", "services": {}}"#)
        #expect(badRouter.status == 400 && badRouter.text.contains("'router'"), "\(badRouter.text)")
        let badService = try await post(
            #"{"router": "r2", "compute": "local-a", "services": {"Svc A": {"inFlight": 1, "queued": 0}}}"#)
        #expect(badService.status == 400 && badService.text.contains("not a service name"), "\(badService.text)")
        let negative = try await post(
            #"{"router": "r2", "compute": "local-a", "services": {"svc-a": {"inFlight": -1, "queued": 0}}}"#)
        #expect(negative.status == 400 && negative.text.contains("services.svc-a"), "\(negative.text)")

        // Loads near Int.max, from two routers on the same service: refused, and the server (whose
        // autoscaler sums the reports ten times a second) stays up.
        for router in ["huge-1", "huge-2"] {
            let huge = try await post(
                #"{"router": "\#(router)", "compute": "local-a", "services": {"svc-a": {"inFlight": 9223372036854775807, "queued": 9223372036854775807}}}"#
            )
            #expect(huge.status == 400 && huge.text.contains("'inFlight' must be from 0 to 1000000"), "\(huge.text)")
        }
        let beyondInt = try await post(
            #"{"router": "r2", "compute": "local-a", "services": {"svc-a": {"inFlight": 1e30, "queued": 0}}}"#)
        #expect(beyondInt.status == 400, "\(beyondInt.text)")
        let largest = try await post(
            #"{"router": "r-max", "compute": "local-a", "services": {"svc-a": {"inFlight": 1000000, "queued": 1000000}}}"#
        )
        #expect(largest.status == 204, "\(largest.text)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await TestHTTP.get(server.baseURL + "/health").status == 200)
        #expect(server.process.exit == nil, "\(server.log)")
        // Of every report above, the accepted ones only were kept (those not gone stale since:
        // reports count for 3 s, which a busy machine can take to get here).
        let kept = try await listed()
        #expect(kept.contains("local-a/r-max"), "\(kept)")
        #expect(Set(kept).isSubset(of: ["local-a/r1", "local-b/r1", "local-a/r-max"]), "\(kept)")
    }
}
