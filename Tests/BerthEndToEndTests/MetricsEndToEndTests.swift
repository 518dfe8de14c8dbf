import BerthCore
import BerthMetrics
import BerthTesting
import Foundation
import Testing

/// `/metrics` of a real `berth server`: the router's on its scoring port, the control plane's and
/// the cluster's merged replica metrics on the admin API, after a deploy and known traffic.
@Suite(.timeLimit(.minutes(5)))
struct MetricsEndToEndTests {
    @Test("After a deploy and 4 scores, the three scrapes count exactly what happened")
    func scrapesAfterDeployAndScores() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            try #require(try await workspace.deploy("metered-svc").succeeded)
            let service = try await workspace.service("metered-svc")
            let uri = try #require(service.scoringUri)
            let keys = try await berthJSON(
                ServiceKeys.self, "service", "get-keys", "-n", "metered-svc", home: workspace.home)
            for _ in 0..<4 {
                let scored = try await TestHTTP.post(
                    uri, #"{"n": 1}"#,
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(keys.primaryKey)")])
                #expect(scored.status == 200, "\(scored.text)")
            }
            #expect(try await TestHTTP.post(uri, "{}").status == 401)

            // The router's own, on its scoring port, without credentials.
            let routerURL = try #require(workspace.server.info.routerURL)
            let routerScrape = try await TestHTTP.get("\(routerURL)/metrics")
            #expect(routerScrape.status == 200)
            let router = try Exposition(parsing: routerScrape.text)
            #expect(
                router.sum("berth_router_requests_total", matching: ["service": "metered-svc", "status_class": "2xx"])
                    == 4)
            #expect(
                router.value(
                    "berth_router_errors_total", ["service": "metered-svc", "status": "401", "reason": "unauthorized"])
                    == 1)
            #expect(router.value("berth_router_run_duration_seconds_count", ["service": "metered-svc"]) == 4)

            // The control plane's, with the admin token (and refused without).
            let admin = [("Authorization", "Bearer \(try workspace.server.adminToken())")]
            #expect(try await TestHTTP.get("\(workspace.server.baseURL)/metrics").status == 401)
            let controlPlane = try Exposition(
                parsing: try await TestHTTP.get("\(workspace.server.baseURL)/metrics", headers: admin).text)
            #expect(controlPlane.value("berth_service_replicas_desired", ["service": "metered-svc"]) == 1)
            #expect(controlPlane.value("berth_service_replicas_ready", ["service": "metered-svc"]) == 1)
            #expect((controlPlane.value("berth_route_table_generation") ?? 0) >= 1)
            #expect(
                controlPlane.sum("berth_environment_cache_hits_total")
                    + controlPlane.sum("berth_environment_cache_misses_total") == 1)

            // The cluster's replicas through one target, labelled by service and replica.
            let clusterScrape = try await TestHTTP.get(
                "\(workspace.server.baseURL)/api/v1/computes/mylocal/metrics", headers: admin)
            #expect(clusterScrape.status == 200)
            #expect(clusterScrape.header("Content-Type") == MetricsRegistry.contentType)
            let cluster = try Exposition(parsing: clusterScrape.text)
            let replica = ["service": "metered-svc", "replica": "metered-svc-0"]
            #expect(cluster.value("berth_replica_up", replica) == 1)
            #expect(
                cluster.value("berth_replica_requests_total", replica.merging(["status_class": "2xx"]) { $1 }) == 4)
            #expect(cluster.value("berth_replica_run_duration_seconds_count", replica) == 4)
            #expect(cluster.value("berth_replica_worker_crashes_total", replica) == 0)
            #expect(
                try await TestHTTP.get("\(workspace.server.baseURL)/api/v1/computes/nosuch/metrics", headers: admin)
                    .status == 404)

            // Every family says what it counts.
            for (scrape, exposition) in [("router", router), ("control plane", controlPlane), ("cluster", cluster)] {
                #expect(exposition.families.filter { exposition.helps[$0] == nil } == [], "\(scrape)")
            }
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}
