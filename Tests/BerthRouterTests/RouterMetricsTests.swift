import BerthCore
import BerthMetrics
import BerthTesting
import NIOCore
import Testing

@testable import BerthRouter

/// The router's `/metrics` after known traffic: exact counts and exact label sets.
struct RouterMetricsTests {
    /// Scrapes `url` and reads it back.
    private func scrape(_ url: String) async throws -> Exposition {
        let response = try await TestHTTP.get(url)
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == MetricsRegistry.contentType)
        return try Exposition(parsing: response.text)
    }

    /// The label sets of the non-zero samples named `name`.
    private func nonZero(_ exposition: Exposition, _ name: String) -> [[String: String]: Double] {
        var result: [[String: String]: Double] = [:]
        for sample in exposition.samples(name) where sample.value != 0 { result[sample.labelSet] = sample.value }
        return result
    }

    @Test(.timeLimit(.minutes(2))) func countsScoresRefusalsAndTimesThroughARealReplica() async throws {
        try await withFixtureReplica("echo") { replica in
            var configuration = Router.Configuration(port: 0)
            configuration.maxBodyBytes = 1024
            try await withRouter(configuration) { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [replica.endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                for _ in 0..<5 {
                    let scored = try await TestHTTP.post(
                        url, #"{"data": [1]}"#,
                        headers: [("Content-Type", "application/json"), ("Authorization", "Bearer K1")])
                    #expect(scored.status == 200)
                }
                for _ in 0..<3 {
                    let refused = try await TestHTTP.post(
                        url, "{}", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer nope")])
                    #expect(refused.status == 401)
                }
                let oversized = try await TestHTTP.post(
                    url, String(repeating: "x", count: 2048),
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer K1")])
                #expect(oversized.status == 413)
                #expect(try await TestHTTP.post("\(base)/api/v1/service/nosuch/score", "{}").status == 404)

                let metrics = try await scrape("\(base)/metrics")
                let id = replica.endpoint.id
                func requests(_ service: String, _ replica: String, _ statusClass: String) -> [String: String] {
                    [
                        "service": service, "endpoint": "", "version": "", "replica": replica,
                        "status_class": statusClass,
                    ]
                }
                #expect(
                    nonZero(metrics, "berth_router_requests_total") == [
                        requests("svc", id, "2xx"): 5, requests("svc", "", "4xx"): 4, requests("", "", "4xx"): 1,
                    ])
                #expect(
                    nonZero(metrics, "berth_router_errors_total") == [
                        ["service": "svc", "status": "401", "reason": "unauthorized"]: 3,
                        ["service": "svc", "status": "413", "reason": "payload_too_large"]: 1,
                        ["service": "", "status": "404", "reason": "service_not_found"]: 1,
                    ])
                #expect(metrics.value("berth_router_request_duration_seconds_count", ["service": "svc"]) == 9)
                #expect(metrics.value("berth_router_upstream_duration_seconds_count", ["service": "svc"]) == 5)
                #expect(metrics.value("berth_router_run_duration_seconds_count", ["service": "svc"]) == 5)
                #expect(metrics.value("berth_router_queue_wait_seconds_count", ["service": "svc"]) == 0)
                #expect(metrics.value("berth_router_requests_in_flight", ["service": "svc", "replica": id]) == 0)
                #expect(metrics.value("berth_router_requests_queued", ["service": "svc"]) == 0)
                #expect(metrics.value("berth_router_route_table_generation") == 1)
                #expect(metrics.types["berth_router_requests_total"] == "counter")
                #expect(metrics.types["berth_router_request_duration_seconds"] == "histogram")
                // Bounded labels only: no request ids, no paths.
                for sample in metrics.samples where sample.name.hasPrefix("berth_router_") {
                    let allowed: Set<String> = [
                        "service", "endpoint", "version", "replica", "status_class", "status", "reason", "le",
                    ]
                    #expect(Set(sample.labelSet.keys).isSubset(of: allowed), "\(sample)")
                }
                #expect(!metrics.samples.contains { $0.labelSet.values.contains("nosuch") })

                // The replica's own /metrics counted the five that reached it.
                let own = try await scrape("\(replica.process.baseURL)/metrics")
                #expect(nonZero(own, "berth_replica_requests_total") == [["status_class": "2xx"]: 5])
                #expect(own.value("berth_replica_run_duration_seconds_count") == 5)
                #expect(own.value("berth_replica_request_duration_seconds_count") == 5)
                #expect(own.value("berth_replica_workers_ready") == 1)
                #expect(own.value("berth_replica_worker_crashes_total") == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func endpointVersionsAndQueueWaitAreLabelled() async throws {
        // The first answer takes 1 s so the second arrives while it holds the only slot, and the
        // queue waits up to 30 s so a busy machine cannot turn that wait into a 503.
        try await withUpstreams([("a", { _ in .respond(body: "ok", delay: .seconds(1)) })]) { upstreams in
            try await withRouter { router, base in
                var table = routeTable(
                    service: "ep--v1", maxQueueWaitMs: 30_000, maxConcurrent: 1, replicas: [upstreams[0].endpoint])
                table.endpoints = [
                    "ep": EndpointRoute(
                        name: "ep", versions: [EndpointVersionRoute(name: "v1", service: "ep--v1", weight: 10000)])
                ]
                router.update(table)
                async let first = TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}")
                async let second = TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}")
                #expect(try await first.status == 200)
                #expect(try await second.status == 200)
                let metrics = try await scrape("\(base)/metrics")
                #expect(
                    nonZero(metrics, "berth_router_requests_total") == [
                        [
                            "service": "ep--v1", "endpoint": "ep", "version": "v1", "replica": "a",
                            "status_class": "2xx",
                        ]: 2
                    ])
                // One of the two found the only slot taken and waited for it.
                #expect(metrics.value("berth_router_queue_wait_seconds_count", ["service": "ep--v1"]) == 1)
            }
        }
    }

    @Test func metricsOffServesNoMetrics() async throws {
        var configuration = Router.Configuration(port: 0)
        configuration.metrics = false
        try await withRouter(configuration) { router, base in
            let response = try await TestHTTP.get("\(base)/metrics")
            #expect(response.status == 404)
            #expect(router.metricsRegistry == nil)
        }
    }

    @Test func seriesOfReplicasAndServicesThatLeaveTheTableAreDropped() throws {
        let registry = MetricsRegistry()
        let metrics = RouterMetrics(registry: registry, load: { RouterLoad(generation: 0) })
        let a = ReplicaEndpoint(id: "svc-0", port: 1)
        let b = ReplicaEndpoint(id: "svc-1", port: 2)
        metrics.update(routeTable(generation: 1, replicas: [a, b]))
        metrics.services().services["svc"]?.replicas["svc-1"]?.answered(200, shard: 1)
        var scraped = try Exposition(parsing: registry.expositionText())
        #expect(scraped.sum("berth_router_requests_total", matching: ["replica": "svc-1"]) == 1)
        metrics.update(routeTable(generation: 2, replicas: [a]))
        scraped = try Exposition(parsing: registry.expositionText())
        #expect(scraped.samples("berth_router_requests_total", matching: ["replica": "svc-1"]).isEmpty)
        #expect(scraped.samples("berth_router_requests_total", matching: ["replica": "svc-0"]).count == 5)
        // An older table is ignored; an empty one drops the service.
        metrics.update(routeTable(generation: 1, replicas: [a, b]))
        #expect(metrics.services().services["svc"]?.replicas.count == 1)
        metrics.update(RouteTable(generation: 3))
        scraped = try Exposition(parsing: registry.expositionText())
        #expect(scraped.samples("berth_router_requests_total", matching: ["service": "svc"]).isEmpty)
        #expect(scraped.samples("berth_router_request_duration_seconds_count", matching: ["service": "svc"]).isEmpty)
    }

    @Test func runTimeHeaderIsRead() {
        func parse(_ text: String) -> Double? {
            Array(text.utf8).withUnsafeBytes { ResponseHead.milliseconds($0) }
        }
        #expect(parse("12.345") == 12.345)
        #expect(parse("7") == 7)
        #expect(parse("0.5") == 0.5)
        #expect(parse("") == nil)
        #expect(parse("1.2.3") == nil)
        #expect(parse("-1") == nil)
    }
}
