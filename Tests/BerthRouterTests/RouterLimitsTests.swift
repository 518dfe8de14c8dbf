import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BerthRouter

/// Queueing, timeouts and failing replicas, with Azure's status codes (compat.md §9.3).
struct RouterLimitsTests {
    @Test(.timeLimit(.minutes(2))) func fullServiceAnswers503AfterMaxQueueWait() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "slow", delay: .seconds(8)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxQueueWaitMs: 300, maxConcurrent: 1, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                async let first = TestHTTP.post(url, "{}")
                try await eventually { upstreams[0].inFlight == 1 }
                #expect(router.load().services["svc"]?.inFlight == 1)
                let started = ContinuousClock.now
                let second = try await TestHTTP.post(url, "{}")
                let waited = ContinuousClock.now - started
                #expect(second.status == 503)
                #expect(second.text.contains("Too many requests for service svc (overloaded)"))
                #expect(second.routerError?.code == "overloaded")
                #expect(waited >= .milliseconds(280))
                #expect(waited < .seconds(6))
                #expect(try await first.status == 200)
                #expect(upstreams[0].requests.count == 1)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func queuedRequestIsServedWhenAReplicaFrees() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "done", delay: .seconds(6)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxQueueWaitMs: 30000, maxConcurrent: 1, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                async let first = TestHTTP.post(url, "{}")
                try await eventually { upstreams[0].inFlight == 1 }
                async let second = TestHTTP.post(url, "{}")
                try await eventually { router.load().services["svc"]?.queued == 1 }
                #expect(try await first.status == 200)
                #expect(try await second.status == 200)
                #expect(upstreams[0].requests.count == 2)
                #expect(upstreams[0].peakInFlight == 1)  // never more than maxConcurrentRequestsPerContainer
                let load = try #require(router.load().services["svc"])
                #expect(load.queued == 0)
                #expect(load.inFlight == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func leastLoadedReplicaGetsTheRequest() async throws {
        @Sendable func reply(_ id: String) -> @Sendable (UpstreamRequest) -> UpstreamReply {
            { request in .respond(body: id, delay: request.body == "hold" ? .seconds(10) : .zero) }
        }
        try await withUpstreams([("a", reply("a")), ("b", reply("b"))]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: upstreams.map(\.endpoint)))
                let url = "\(base)/api/v1/service/svc/score"
                // Hold one request on whichever replica takes it; the next ones go to the other.
                async let held = TestHTTP.post(url, "hold")
                try await eventually { upstreams[0].inFlight + upstreams[1].inFlight == 1 }
                let free = upstreams[0].inFlight == 1 ? "b" : "a"
                for _ in 0..<3 { #expect(try await TestHTTP.post(url, "{}").text == free) }
                #expect(try await held.text != free)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func scoringTimeoutIs504() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "late", delay: .seconds(10)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(scoringTimeoutMs: 200, replicas: [upstreams[0].endpoint]))
                let started = ContinuousClock.now
                let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                #expect(response.status == 504)
                #expect(response.routerError?.code == "scoring_timeout")
                #expect(ContinuousClock.now - started < .seconds(8))
                #expect(router.load().services["svc"]?.inFlight == 0)
            }
        }
    }

    /// A replica connection's timer is armed for the first request's deadline and re-armed when it
    /// fires during a later request: that request still gets its whole scoringTimeoutMs.
    @Test(.timeLimit(.minutes(2))) func aLaterRequestOnAKeptConnectionGetsItsWholeTimeout() async throws {
        try await withUpstreams([
            ("r0", { request in .respond(body: request.body, delay: request.body == "slow" ? .seconds(10) : .zero) })
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(scoringTimeoutMs: 3000, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                #expect(try await TestHTTP.post(url, "fast").status == 200)
                try await Task.sleep(for: .milliseconds(1500))
                let started = ContinuousClock.now
                let response = try await TestHTTP.post(url, "slow")
                #expect(response.routerError?.code == "scoring_timeout")
                #expect(ContinuousClock.now - started >= .milliseconds(3000), "not at the first request's deadline")
                #expect(upstreams[0].connections == 1, "both requests went over one kept connection")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func runFailureBecomes502WithTheReplicaText() async throws {
        try await withUpstreams([
            (
                "r0",
                { request in
                    request.body.contains("fail")
                        ? .respond(
                            status: .internalServerError, headers: [("x-ms-run-function-failed", "True")],
                            body: "run failed on purpose")
                        : .respond(
                            status: .internalServerError, headers: [("x-ms-run-function-failed", "False")],
                            body: "internal")
                }
            )
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                let failed = try await TestHTTP.post(url, #"{"fail": true}"#)
                #expect(failed.status == 502)
                #expect(failed.text == "run failed on purpose")
                #expect(failed.header("x-ms-run-function-failed") == "True")
                #expect(failed.header("x-ms-request-id") != nil)
                // Other statuses pass through unchanged.
                #expect(try await TestHTTP.post(url, "{}").status == 500)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func replicaDyingMidRequestIs502() async throws {
        try await withUpstreams([("r0", { _ in .hangUp(after: .milliseconds(100)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                #expect(response.status == 502)
                #expect(response.routerError?.code == "replica_failed")
                #expect(upstreams[0].requests.count == 1)  // not retried: it may have run
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func refusedConnectionIsRetriedOnAnotherReplica() async throws {
        // A socket nothing listens at (a port given back could be taken by another test meanwhile).
        let folder = try TemporaryDirectory("berth-refused")
        defer { folder.remove() }
        let dead = ReplicaEndpoint(id: "dead", socketPath: folder.appending("dead.sock").path)
        try await withUpstreams([("live", { _ in .respond(body: "live") })]) { upstreams in
            try await withRouter { router, base in
                let url = "\(base)/api/v1/service/svc/score"
                router.update(routeTable(maxConcurrent: 2, replicas: [dead, upstreams[0].endpoint]))
                for _ in 0..<4 {
                    let response = try await TestHTTP.post(url, "{}")
                    #expect(response.status == 200)
                    #expect(response.text == "live")
                }
                // Only the dead one left: the request waits maxQueueWaitMs for a replica that takes
                // connections, then gets 503 saying why (not 502: no replica had it).
                router.update(routeTable(generation: 2, maxQueueWaitMs: 200, replicas: [dead]))
                let response = try await TestHTTP.post(url, "{}")
                #expect(response.status == 503)
                #expect(response.routerError?.message.contains("took a connection") == true, "\(response.text)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func requestRefusedByItsReplicaWaitsForTheRestartedOne() async throws {
        // Replicas on Unix sockets, as the local backend runs them: a port given back could be
        // taken by another test's upstream meanwhile; a path in a folder of this test's cannot.
        let folder = try TemporaryDirectory("berth-refused")
        defer { folder.remove() }
        let successorPath = folder.appending("svc-0-2.sock").path
        try await withRouter { router, base in
            // The table still lists the killed replica, as it does until the control plane learns
            // of the death; its successor arrives under the same id at a new address.
            let killed = ReplicaEndpoint(id: "svc-0", socketPath: folder.appending("svc-0-1.sock").path)
            router.update(routeTable(maxQueueWaitMs: 10_000, replicas: [killed]))
            async let response = TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
            try await eventually { router.load().services["svc"]?.queued == 1 }
            let successor = try await TestUpstream.start(id: "svc-0", socketPath: successorPath) { _ in
                .respond(body: "restarted")
            }
            router.update(
                routeTable(
                    generation: 2, maxQueueWaitMs: 10_000,
                    replicas: [ReplicaEndpoint(id: "svc-0", socketPath: successorPath)]))
            let answer = try await response
            await successor.stop()
            #expect(answer.status == 200)
            #expect(answer.text == "restarted")
        }
    }

    @Test(.timeLimit(.minutes(2))) func aRefusingReplicaIsTriedAgainOnceItsBackoffEnds() async throws {
        let folder = try TemporaryDirectory("berth-refused")
        defer { folder.remove() }
        let path = folder.appending("svc-0.sock").path
        var configuration = Router.Configuration(port: 0)
        configuration.unreachableReplicaBackoff = .milliseconds(50)
        try await withRouter(configuration) { router, base in
            // The only replica refuses, and no new table comes: the request is sent to the same
            // address again after each backoff, not after maxQueueWaitMs, and keeps waiting for
            // it however many times it refused (here about ten).
            router.update(
                routeTable(maxQueueWaitMs: 30_000, replicas: [ReplicaEndpoint(id: "svc-0", socketPath: path)]))
            let started = ContinuousClock.now
            async let response = TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
            try await eventually { router.load().services["svc"]?.queued == 1 }
            // Time passing is the point here: a restart that takes ten backoffs.
            try await Task.sleep(for: .milliseconds(500))
            let back = try await TestUpstream.start(id: "svc-0", socketPath: path) { _ in .respond(body: "back") }
            let answer = try await response
            await back.stop()
            #expect(answer.status == 200)
            #expect(answer.text == "back")
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test(.timeLimit(.minutes(2))) func replicaAnswering429IsTreatedAsFull() async throws {
        try await withUpstreams([
            ("busy", { _ in .respond(status: .tooManyRequests, body: "at capacity") }),
            ("free", { _ in .respond(body: "free") }),
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxConcurrent: 1, replicas: upstreams.map(\.endpoint)))
                let url = "\(base)/api/v1/service/svc/score"
                for _ in 0..<3 {
                    let response = try await TestHTTP.post(url, "{}")
                    #expect(response.status == 200)
                    #expect(response.text == "free")
                }
                // Only one replica, and it keeps saying 429: 503 overloaded in the end.
                router.update(routeTable(generation: 2, maxQueueWaitMs: 200, replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(url, "{}")
                #expect(response.status == 503)
                #expect(response.text.contains("Too many requests for service svc (overloaded)"))
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func serviceWithoutReplicasIs503() async throws {
        try await withRouter { router, base in
            router.update(routeTable(maxQueueWaitMs: 100, replicas: []))
            let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
            #expect(response.status == 503)
            #expect(response.routerError?.message.contains("no ready replica") == true)
            #expect(response.text.contains("Too many requests for service svc (overloaded)"))
        }
    }

    @Test(.timeLimit(.minutes(2))) func requestWaitingForAReplicaIsServedWhenOneArrives() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "up") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(generation: 1, maxQueueWaitMs: 5000, replicas: []))
                async let response = TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                try await eventually { router.load().services["svc"]?.queued == 1 }
                router.update(routeTable(generation: 2, maxQueueWaitMs: 5000, replicas: [upstreams[0].endpoint]))
                #expect(try await response.text == "up")
            }
        }
    }
}
