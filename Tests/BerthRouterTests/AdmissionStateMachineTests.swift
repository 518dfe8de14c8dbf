import BerthAuth
import BerthCore
import BerthTesting
import Testing

@testable import BerthRouter

typealias TestInstant = ManualInstant

typealias Machine = AdmissionStateMachine<TestInstant, Int>

private func table(
    generation: UInt64 = 1, replicas: [String], maxConcurrent: Int = 1, maxQueueWaitMs: Int = 500
) -> RouteTable {
    RouteTable(
        generation: generation,
        services: [
            "svc": ServiceRoute(
                name: "svc", authEnabled: false, maxQueueWaitMs: maxQueueWaitMs,
                maxConcurrentRequestsPerContainer: maxConcurrent,
                replicas: replicas.enumerated().map { ReplicaEndpoint(id: $1, port: 5000 + $0) })
        ])
}

private func lease(_ acquisition: Machine.Acquisition) -> AdmissionLease? {
    if case .done(.assigned(let lease)) = acquisition { return lease }
    return nil
}

struct AdmissionStateMachineTests {
    @Test func picksTheLeastLoadedReplica() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a", "b", "c"], maxConcurrent: 3), now: .ms(0))
        var counts: [String: Int] = [:]
        for _ in 0..<6 {
            let granted = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
            counts[granted.replica.id, default: 0] += 1
        }
        #expect(counts == ["a": 2, "b": 2, "c": 2])
        // Free one slot on b: the next request must go to b, the only one with 1 in flight.
        _ = machine.release(AdmissionLease(service: "svc", replica: ReplicaEndpoint(id: "b", port: 5001)), now: .ms(1))
        #expect(lease(machine.acquire(service: "svc", now: .ms(1)))?.replica.id == "b")
        let load = try #require(machine.load().services["svc"])
        #expect(load.inFlight == 6)
        #expect(load.replicas.map(\.inFlight) == [2, 2, 2])
    }

    @Test func unknownServiceIsReported() {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        #expect(machine.acquire(service: "nope", now: .ms(0)) == .done(.unknownService))
    }

    @Test func fullServiceWaitsUntilMaxQueueWait() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"], maxQueueWaitMs: 500), now: .ms(0))
        _ = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(machine.acquire(service: "svc", now: .ms(10)) == .mustWait(deadline: .ms(510)))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(510), now: .ms(10)) == nil)
        #expect(machine.load().services["svc"]?.queued == 1)
        // The deadline timer fires: the waiter gets its 503 reason and leaves the queue.
        let maybeExpired = machine.expire(service: "svc", token: 1, now: .ms(510))
        let expired = try #require(maybeExpired)
        #expect(expired.waiter == 1)
        #expect(expired.outcome == .overloaded(.allReplicasBusy(replicas: 1, maxConcurrent: 1)))
        #expect(machine.load().services["svc"]?.queued == 0)
        // A late release finds nobody to admit.
        #expect(
            machine.release(
                AdmissionLease(service: "svc", replica: ReplicaEndpoint(id: "a", port: 5000)), now: .ms(600)
            ).isEmpty)
    }

    @Test func enqueueAfterTheDeadlineAnswersAtOnce() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        _ = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        let immediate = machine.enqueue(service: "svc", token: 1, waiter: 7, deadline: .ms(500), now: .ms(500))
        let resumption = try #require(immediate)
        #expect(resumption.outcome == .overloaded(.allReplicasBusy(replicas: 1, maxConcurrent: 1)))
    }

    @Test func queuedRequestIsAdmittedWhenAReplicaFrees() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        let first = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(500), now: .ms(1)) == nil)
        #expect(machine.enqueue(service: "svc", token: 2, waiter: 2, deadline: .ms(501), now: .ms(2)) == nil)
        let resumed = machine.release(first, now: .ms(100))
        #expect(resumed.map(\.waiter) == [1])  // FIFO: the oldest waiter first
        #expect(resumed.first?.outcome == .assigned(first))
        #expect(machine.expire(service: "svc", token: 1, now: .ms(500)) == nil)  // already admitted: its timer does nothing
        #expect(machine.load().services["svc"]?.queued == 1)
    }

    @Test func zeroQueueWaitRefusesAtOnce() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"], maxQueueWaitMs: 0), now: .ms(0))
        _ = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(
            machine.acquire(service: "svc", now: .ms(0))
                == .done(.overloaded(.allReplicasBusy(replicas: 1, maxConcurrent: 1))))
    }

    @Test func noReplicaWaitsThenSaysSo() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: []), now: .ms(0))
        #expect(machine.acquire(service: "svc", now: .ms(0)) == .mustWait(deadline: .ms(500)))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(500), now: .ms(0)) == nil)
        #expect(machine.expire(service: "svc", token: 1, now: .ms(500))?.outcome == .overloaded(.noReadyReplica))
    }

    @Test func newReplicaAdmitsQueuedRequests() {
        var machine = Machine()
        _ = machine.apply(table(generation: 1, replicas: []), now: .ms(0))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(500), now: .ms(0)) == nil)
        let (applied, resumed) = machine.apply(table(generation: 2, replicas: ["a"]), now: .ms(10))
        #expect(applied)
        #expect(resumed.map(\.waiter) == [1])
        if case .assigned(let lease) = resumed.first?.outcome {
            #expect(lease.replica.id == "a")
        } else {
            Issue.record("expected an assignment, got \(String(describing: resumed.first?.outcome))")
        }
    }

    @Test func olderGenerationsAreIgnored() {
        var machine = Machine()
        #expect(machine.apply(table(generation: 5, replicas: ["a"]), now: .ms(0)).applied)
        #expect(!machine.apply(table(generation: 4, replicas: ["b"]), now: .ms(0)).applied)
        #expect(machine.route(named: "svc")?.replicas.map(\.id) == ["a"])
        #expect(machine.apply(table(generation: 6, replicas: ["b"]), now: .ms(0)).applied)
        #expect(machine.route(named: "svc")?.replicas.map(\.id) == ["b"])
        #expect(machine.generation == 6)
    }

    @Test func updateKeepsInFlightOfRemainingReplicas() throws {
        var machine = Machine()
        _ = machine.apply(table(generation: 1, replicas: ["a"], maxConcurrent: 2), now: .ms(0))
        let onA = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        _ = machine.apply(table(generation: 2, replicas: ["a", "b"], maxConcurrent: 2), now: .ms(1))
        #expect(machine.load().services["svc"]?.replicas.map(\.inFlight) == [1, 0])
        // The least-loaded choice sees a's request: the next goes to b.
        #expect(lease(machine.acquire(service: "svc", now: .ms(2)))?.replica.id == "b")
        _ = machine.apply(table(generation: 3, replicas: ["b"], maxConcurrent: 2), now: .ms(3))
        #expect(machine.release(onA, now: .ms(4)).isEmpty)  // a left the table: nothing to count
        #expect(machine.load().services["svc"]?.replicas.map(\.inFlight) == [1])
    }

    @Test func removedServiceReleasesItsWaiters() {
        var machine = Machine()
        _ = machine.apply(table(generation: 1, replicas: []), now: .ms(0))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 9, deadline: .ms(500), now: .ms(0)) == nil)
        let (_, resumed) = machine.apply(RouteTable(generation: 2), now: .ms(1))
        #expect(resumed.map(\.waiter) == [9])
        #expect(resumed.first?.outcome == .unknownService)
    }

    @Test func unreachableReplicaIsPassedOverUntilItsBackoffEnds() throws {
        var machine = Machine(policy: .init(unreachableReplicaBackoff: .milliseconds(1000)))
        _ = machine.apply(table(replicas: ["a", "b"], maxConcurrent: 4), now: .ms(0))
        let onA = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(onA.replica.id == "a")
        _ = machine.release(onA, replicaWasUnreachable: true, now: .ms(1))
        for _ in 0..<3 {
            #expect(lease(machine.acquire(service: "svc", now: .ms(2)))?.replica.id == "b")
        }
        // b has 3 in flight and a none, yet a is tried only once its backoff ended.
        #expect(lease(machine.acquire(service: "svc", now: .ms(1001)))?.replica.id == "a")
    }

    @Test func waitersGetAReplicaWhoseBackoffEndedWithoutARelease() throws {
        var machine = Machine(policy: .init(unreachableReplicaBackoff: .milliseconds(1000)))
        _ = machine.apply(table(replicas: ["a"], maxConcurrent: 4, maxQueueWaitMs: 5000), now: .ms(0))
        let refused = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(machine.release(refused, replicaWasUnreachable: true, now: .ms(1)).isEmpty)
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(5002), now: .ms(2)) == nil)
        #expect(machine.admitWaiting(service: "svc", now: .ms(500)).isEmpty)
        let resumed = machine.admitWaiting(service: "svc", now: .ms(1001))
        #expect(resumed.map(\.waiter) == [1])
        #expect(resumed.first?.outcome == .assigned(refused))
        #expect(machine.admitWaiting(service: "other", now: .ms(1002)).isEmpty)
    }

    @Test func aRestartedReplicaAtANewAddressIsTriedAtOnce() throws {
        var machine = Machine(policy: .init(unreachableReplicaBackoff: .seconds(10)))
        _ = machine.apply(table(replicas: ["a"], maxConcurrent: 4), now: .ms(0))
        let dead = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        _ = machine.release(dead, replicaWasUnreachable: true, now: .ms(1))
        // The request goes back to admission and waits: the only replica is passed over.
        #expect(machine.acquire(service: "svc", now: .ms(2)) == .mustWait(deadline: .ms(502)))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(502), now: .ms(2)) == nil)
        // Its successor keeps the id, at another address: the waiting request goes there.
        let restarted = RouteTable(
            generation: 2,
            services: [
                "svc": ServiceRoute(
                    name: "svc", authEnabled: false, maxConcurrentRequestsPerContainer: 4,
                    replicas: [ReplicaEndpoint(id: "a", socketPath: "/run/a-2.sock")])
            ])
        let (_, resumed) = machine.apply(restarted, now: .ms(100))
        #expect(resumed.map(\.waiter) == [1])
        guard case .assigned(let onSuccessor)? = resumed.first?.outcome else {
            Issue.record("the waiting request was not admitted: \(resumed)")
            return
        }
        #expect(onSuccessor.replica.socketPath == "/run/a-2.sock")
        // A late failure on the predecessor's address does not mark the successor.
        _ = machine.release(dead, replicaWasUnreachable: true, now: .ms(101))
        #expect(lease(machine.acquire(service: "svc", now: .ms(102)))?.replica.socketPath == "/run/a-2.sock")
    }

    @Test func aServiceWhoseReplicasAllRefusedSaysSoAtTheDeadline() throws {
        var machine = Machine(policy: .init(unreachableReplicaBackoff: .seconds(10)))
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        let dead = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        _ = machine.release(dead, replicaWasUnreachable: true, now: .ms(1))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(501), now: .ms(1)) == nil)
        #expect(
            machine.expire(service: "svc", token: 1, now: .ms(501))?.outcome
                == .overloaded(.noReachableReplica(replicas: 1)))
    }

    @Test func busyReplicaIsSkippedUntilBackoffOrRelease() throws {
        var machine = Machine(policy: .init(maxQueuedRequestsPerService: 10, busyReplicaBackoff: .milliseconds(50)))
        _ = machine.apply(table(replicas: ["a"], maxConcurrent: 2), now: .ms(0))
        let first = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        _ = machine.release(first, replicaWasBusy: true, now: .ms(10))
        #expect(machine.acquire(service: "svc", now: .ms(20)) == .mustWait(deadline: .ms(520)))
        #expect(lease(machine.acquire(service: "svc", now: .ms(60)))?.replica.id == "a")
    }

    @Test func queueIsBounded() throws {
        var machine = Machine(policy: .init(maxQueuedRequestsPerService: 1))
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        _ = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(machine.enqueue(service: "svc", token: 1, waiter: 1, deadline: .ms(500), now: .ms(0)) == nil)
        #expect(machine.acquire(service: "svc", now: .ms(0)) == .done(.overloaded(.queueFull(limit: 1))))
    }

    @Test func cancelledWaiterLeavesTheQueue() throws {
        var machine = Machine()
        _ = machine.apply(table(replicas: ["a"]), now: .ms(0))
        let first = try #require(lease(machine.acquire(service: "svc", now: .ms(0))))
        #expect(machine.enqueue(service: "svc", token: 3, waiter: 3, deadline: .ms(500), now: .ms(0)) == nil)
        #expect(machine.cancel(service: "svc", token: 3)?.outcome == .cancelled)
        #expect(machine.release(first, now: .ms(1)).isEmpty)
    }
}

struct KeyCheckTests {
    @Test func bearerKeysMatchTheirDigests() {
        let route = ServiceRoute(
            name: "svc", keyDigests: [KeyDigest.sha256Hex("primary"), KeyDigest.sha256Hex("secondary")])
        #expect(KeyCheck.isAuthorized("Bearer primary", route: route))
        #expect(KeyCheck.isAuthorized("bearer secondary", route: route))
        #expect(!KeyCheck.isAuthorized("Bearer other", route: route))
        #expect(!KeyCheck.isAuthorized("primary", route: route))
        #expect(!KeyCheck.isAuthorized(nil, route: route))
        #expect(!KeyCheck.isAuthorized("Bearer ", route: route))
        var open = route
        open.authEnabled = false
        #expect(KeyCheck.isAuthorized(nil, route: open))
    }

    @Test func digestIsLowercaseHexSHA256() {
        #expect(KeyDigest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}

struct RouterPathTests {
    @Test func parsesTheServiceRoutes() {
        #expect(RouterPath(uri: "/api/v1/service/svc/score") == .score(service: "svc", query: nil))
        #expect(RouterPath(uri: "/api/v1/service/svc/score?a=1&b=2") == .score(service: "svc", query: "a=1&b=2"))
        #expect(RouterPath(uri: "/api/v1/service/svc/swagger.json") == .swagger(service: "svc", query: nil))
        #expect(RouterPath(uri: "/api/v1/service/svc") == .serviceHealth(service: "svc"))
        #expect(RouterPath(uri: "/api/v1/service/svc/") == .serviceHealth(service: "svc"))
        #expect(RouterPath(uri: "/") == .routerHealth)
        #expect(RouterPath(uri: "/ready") == .routerReadiness)
        #expect(RouterPath(uri: "/api/v1/service/svc/other") == .unknown(path: "/api/v1/service/svc/other"))
        #expect(RouterPath(uri: "/api/v1/service//score") == .unknown(path: "/api/v1/service//score"))
    }

    @Test func parsesTheEndpointRoutes() {
        let e = "/api/v1/endpoint"
        #expect(RouterPath(uri: "\(e)/ep/score?x=1") == .endpointScore(endpoint: "ep", version: nil, query: "x=1"))
        #expect(RouterPath(uri: "\(e)/ep/v2/score") == .endpointScore(endpoint: "ep", version: "v2", query: nil))
        for path in ["\(e)/ep", "\(e)/ep/", "\(e)//score", "\(e)/ep//score", "\(e)/ep/v2/x/score", "\(e)/ep/other"] {
            #expect(RouterPath(uri: path) == .unknown(path: path), "\(path)")
        }
    }
}

/// `RouterClock`: the router's fixed-layout monotonic clock.
struct RouterClockTests {
    @Test func instantsAddUpAndSaturate() {
        let start = RouterClock.Instant(nanoseconds: 1_000)
        #expect(start.advanced(by: .milliseconds(1500)).nanoseconds == 1_500_001_000)
        #expect(start.duration(to: start.advanced(by: .seconds(3))) == .seconds(3))
        #expect(start.advanced(by: .seconds(Int64.max)).nanoseconds == .max, "a wait without end stays without end")
        #expect(start.advanced(by: .milliseconds(-1)) < start)
    }

    @Test func nowMovesForwardLikeTheContinuousClock() async throws {
        let before = RouterClock.now
        let continuous = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(20))
        let elapsed = before.duration(to: RouterClock.now)
        #expect(elapsed >= .milliseconds(20))
        #expect(elapsed <= continuous.duration(to: .now) + .milliseconds(1))
    }
}
