import BerthCore
import BerthTesting
import NIOCore
import Testing

@testable import BerthRouter

/// What the router does per client connection: request ids, and clients that leave early.
struct ClientConnectionTests {
    @Test(.timeLimit(.minutes(2))) func theClientsRequestIDIsEchoedAndForwarded() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score", "{}", headers: [("x-ms-request-id", "caller-id-7")])
                #expect(response.status == 200)
                #expect(response.header("x-ms-request-id") == "caller-id-7")
                #expect(upstreams[0].requests.first?.headers.first(name: "x-ms-request-id") == "caller-id-7")
                let missing = try await TestHTTP.get(
                    "\(base)/api/v1/service/nope/score", headers: [("x-ms-request-id", "caller-id-8")])
                #expect(missing.status == 404)
                #expect(missing.routerError?.requestID == "caller-id-8")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aClientThatLeavesWhileQueuedGivesNothingAway() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "slow", delay: .seconds(1)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxQueueWaitMs: 10_000, maxConcurrent: 1, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                async let first = TestHTTP.post(url, "{}")
                try await eventually { upstreams[0].inFlight == 1 }
                // The second request queues behind the first; its client gives up and closes.
                await #expect(throws: (any Error).self) { try await TestHTTP.post(url, "{}", timeout: .milliseconds(300)) }
                #expect(try await first.status == 200)
                try await eventually {
                    let load = router.load().services["svc"]
                    return load?.queued == 0 && load?.replicas.allSatisfy { $0.inFlight == 0 } == true
                }
                let after = try await TestHTTP.post(url, "{}")
                #expect(after.status == 200 && after.text == "slow")
                #expect(upstreams[0].requests.count == 2, "the request whose client left never reached the replica")
            }
        }
    }
}
