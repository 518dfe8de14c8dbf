import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

@testable import BerthRouter

/// Endpoints at the router over loopback: the split by effective weights, direct version URIs,
/// `x-berth-endpoint-version`, and weight changes and version removal under load with no failure.
@Suite(.timeLimit(.minutes(3))) struct RouterEndpointSplitTests {
    /// Endpoint `ep` with versions on `upstreams` (one each), weights in basis points.
    private func table(
        _ generation: UInt64, _ versions: [(name: String, weight: Int, upstream: TestUpstream)],
        keepServices extra: [(String, TestUpstream)] = [], keys: [String] = []
    ) -> RouteTable {
        var services: [String: ServiceRoute] = [:]
        for (name, upstream) in versions.map({ ($0.name, $0.upstream) }) + extra {
            services["ep--\(name)"] = ServiceRoute(
                name: "ep--\(name)", authEnabled: !keys.isEmpty, keyDigests: keys.map { KeyDigest.sha256Hex($0) },
                maxConcurrentRequestsPerContainer: 64, replicas: [upstream.endpoint])
        }
        return RouteTable(
            generation: generation, services: services,
            endpoints: [
                "ep": EndpointRoute(
                    name: "ep",
                    versions: versions.map {
                        EndpointVersionRoute(name: $0.name, service: "ep--\($0.name)", weight: $0.weight)
                    })
            ])
    }

    /// Sends `count` requests to the endpoint, `concurrency` at a time; returns the versions that
    /// answered (by header) and every non-200 status.
    private func load(_ base: String, count: Int, concurrency: Int = 8, stop: Counter = Counter()) async throws
        -> (versions: [String: Int], failures: [Int])
    {
        let next = Counter()
        return try await withThrowingTaskGroup(of: ([String: Int], [Int]).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var versions: [String: Int] = [:]
                    var failures: [Int] = []
                    while stop.value.load(ordering: .relaxed) == 0,
                        next.value.add(1, ordering: .relaxed).oldValue < count
                    {
                        let response = try await TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}")
                        if response.status == 200 {
                            versions[response.header("x-berth-endpoint-version") ?? "?", default: 0] += 1
                        } else {
                            failures.append(response.status)
                        }
                    }
                    return (versions, failures)
                }
            }
            var versions: [String: Int] = [:]
            var failures: [Int] = []
            for try await (partVersions, partFailures) in group {
                versions.merge(partVersions, uniquingKeysWith: +)
                failures += partFailures
            }
            return (versions, failures)
        }
    }

    @Test("2000 requests split 70/20/10 within ±3 points; each answer names its version; direct URIs reach one version")
    func splitByWeight() async throws {
        try await withUpstreams([
            ("a", { _ in .respond(body: "a") }), ("b", { _ in .respond(body: "b") }),
            ("c", { _ in .respond(body: "c") }),
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(
                    table(1, [("va", 7000, upstreams[0]), ("vb", 2000, upstreams[1]), ("vc", 1000, upstreams[2])]))
                let result = try await load(base, count: 2000)
                #expect(result.failures.isEmpty)
                for (version, share) in [("va", 70.0), ("vb", 20.0), ("vc", 10.0)] {
                    let measured = Double(result.versions[version] ?? 0) / 20
                    #expect(abs(measured - share) <= 3, "\(version): \(measured) % for \(share) %")
                }
                // The header matches the replica that answered.
                #expect(upstreams[0].requests.count == result.versions["va"])
                #expect(upstreams[2].requests.count == result.versions["vc"])

                let direct = try await TestHTTP.post("\(base)/api/v1/endpoint/ep/vc/score?x=1", "{}")
                #expect(direct.status == 200)
                #expect(direct.text == "c")
                #expect(direct.header("x-berth-endpoint-version") == "vc")
                #expect(upstreams[2].requests.last?.uri == "/score?x=1")

                let noVersion = try await TestHTTP.post("\(base)/api/v1/endpoint/ep/zz/score", "{}")
                #expect(noVersion.status == 404)
                #expect(noVersion.routerError?.code == "endpoint_version_not_found")
                let noEndpoint = try await TestHTTP.post("\(base)/api/v1/endpoint/nope/score", "{}")
                #expect(noEndpoint.status == 404)
                #expect(noEndpoint.routerError?.code == "endpoint_not_found")

                // Per-version metrics count what each version answered (recorded just after each
                // answer is written, so the last one may land a moment after the client has it).
                let expected = (result.versions["vc"] ?? 0) + 1
                try await eventually {
                    router.endpointMetrics()["ep"]?.first { $0.version == "vc" }?.requests == expected
                }
                let metrics = try #require(router.endpointMetrics()["ep"])
                #expect(metrics.map(\.version) == ["va", "vb", "vc"])
                #expect(metrics.first { $0.version == "vc" }?.requests == (result.versions["vc"] ?? 0) + 1)
                #expect(
                    metrics.allSatisfy {
                        $0.errors == 0 && ($0.p50Ms ?? -1) >= 0 && ($0.p99Ms ?? -1) >= ($0.p50Ms ?? 0)
                    })
            }
        }
    }

    @Test("Endpoint requests need the endpoint's key like a service's; a 401 still names no version data")
    func keysApply() async throws {
        try await withUpstreams([("a", { _ in .respond(body: "a") })]) { upstreams in
            try await withRouter { router, base in
                router.update(table(1, [("va", 10000, upstreams[0])], keys: ["EPKEY"]))
                let anonymous = try await TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}")
                #expect(anonymous.status == 401)
                #expect(anonymous.routerError?.message.contains("berth endpoint get-keys -n ep") == true)
                let wrong = try await TestHTTP.post(
                    "\(base)/api/v1/endpoint/ep/score", "{}", headers: [("Authorization", "Bearer NOPE")])
                #expect(wrong.routerError?.message.contains("not valid for endpoint 'ep'") == true)
                let keyed = try await TestHTTP.post(
                    "\(base)/api/v1/endpoint/ep/score", "{}", headers: [("Authorization", "Bearer EPKEY")])
                #expect(keyed.status == 200)
                #expect(upstreams[0].requests.first?.headers.first(name: "authorization") == nil)
            }
        }
    }

    @Test("An endpoint with token auth takes tokens for the endpoint at every URI of its versions, and no others")
    func endpointTokens() async throws {
        try await withUpstreams([("a", { _ in .respond(body: "a") })]) { upstreams in
            try await withRouter { router, base in
                let now = Date()
                let keys = SigningKeySet.generate(now: now)
                var routes = table(1, [("va", 10000, upstreams[0])])
                routes.services["ep--va"]?.tokenAuthEnabled = true
                routes.services["ep--va"]?.tokenAudience = "ep"
                routes.tokenKeys = try keys.verificationKeys(now: now)
                router.update(routes)
                let endpointToken = try AccessTokenIssuer.issue(audience: "ep", keys: keys, now: now).accessToken
                let versionToken = try AccessTokenIssuer.issue(audience: "ep--va", keys: keys, now: now).accessToken
                for path in [
                    "/api/v1/endpoint/ep/score", "/api/v1/endpoint/ep/va/score", "/api/v1/service/ep--va/score",
                ] {
                    let good = try await TestHTTP.post(
                        base + path, "{}", headers: [("Authorization", "Bearer \(endpointToken)")])
                    #expect(good.status == 200, "\(path)")
                    let wrong = try await TestHTTP.post(
                        base + path, "{}", headers: [("Authorization", "Bearer \(versionToken)")])
                    #expect(wrong.routerError?.code == "token_wrong_audience", "\(path)")
                }
                let missing = try await TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}")
                #expect(missing.status == 401)
                #expect(missing.routerError?.message.contains("berth endpoint get-access-token -n ep") == true)
                #expect(missing.header("x-berth-endpoint-version") == "va")
                #expect(upstreams[0].requests.allSatisfy { $0.headers.first(name: "authorization") == nil })
            }
        }
    }

    @Test("Per-version metrics count 5xx answers, the router's 502 for a failed run() included")
    func metricsCountErrors() async throws {
        try await withUpstreams([
            ("a", { _ in .respond(body: "a") }),
            (
                "b",
                { _ in
                    .respond(
                        status: .internalServerError, headers: [("x-ms-run-function-failed", "True")], body: "boom")
                }
            ),
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(table(1, [("va", 5000, upstreams[0]), ("vb", 5000, upstreams[1])]))
                var statuses: [Int] = []
                for _ in 0..<20 {
                    statuses.append(try await TestHTTP.post("\(base)/api/v1/endpoint/ep/score", "{}").status)
                }
                #expect(statuses.filter { $0 == 502 }.count == 10)
                let metrics = try #require(router.endpointMetrics()["ep"])
                let a = try #require(metrics.first { $0.version == "va" })
                let b = try #require(metrics.first { $0.version == "vb" })
                #expect(a.requests == 10 && a.errors == 0)
                #expect(b.requests == 10 && b.errors == 10)
                #expect(router.endpointMetrics(window: .seconds(1))["ep"]?.count == 2)
            }
        }
    }

    @Test("Continuous load through a weight change and a version removal: zero failed requests, the new weights win")
    func changesUnderLoad() async throws {
        try await withUpstreams([
            ("a", { _ in .respond(body: "a", delay: .milliseconds(2)) }),
            ("b", { _ in .respond(body: "b", delay: .milliseconds(2)) }),
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(table(1, [("va", 5000, upstreams[0]), ("vb", 5000, upstreams[1])]))
                let stop = Counter()
                async let traffic = load(base, count: .max, concurrency: 6, stop: stop)
                // Orderings, not time budgets: each step waits for traffic to have flowed.
                let patience = Duration.seconds(120)
                try await eventually(timeout: patience) { upstreams[1].requests.count >= 20 }
                router.update(table(2, [("va", 9000, upstreams[0]), ("vb", 1000, upstreams[1])]))
                let aAtChange = upstreams[0].requests.count
                let bAtChange = upstreams[1].requests.count
                try await eventually(timeout: patience) { upstreams[0].requests.count >= aAtChange + 100 }
                // Removal in two steps, as the control plane publishes it: first out of the split,
                // then (once nothing can still be on its way to it) out of the services.
                router.update(table(3, [("va", 10000, upstreams[0])], keepServices: [("vb", upstreams[1])]))
                let bAtRemoval = upstreams[1].requests.count
                let aAtRemoval = upstreams[0].requests.count
                try await eventually(timeout: patience) { upstreams[0].requests.count >= aAtRemoval + 50 }
                router.update(table(4, [("va", 10000, upstreams[0])]))
                let aAtDrop = upstreams[0].requests.count
                try await eventually(timeout: patience) { upstreams[0].requests.count >= aAtDrop + 50 }
                stop.value.store(1, ordering: .relaxed)
                let result = try await traffic
                #expect(result.failures.isEmpty, "failed statuses: \(result.failures)")
                #expect(
                    (result.versions["va"] ?? 0) + (result.versions["vb"] ?? 0) == upstreams[0].requests.count
                        + upstreams[1].requests.count)
                // Between the change and the removal b got its 10 % (plus what was already on its way).
                let aBetween = aAtRemoval - aAtChange
                let bBetween = bAtRemoval - bAtChange
                #expect(bBetween <= (aBetween + bBetween) / 10 + 7, "a \(aBetween), b \(bBetween)")
                // After removal, b got at most the requests already on their way (≤ concurrency).
                #expect(upstreams[1].requests.count - bAtRemoval <= 6)
            }
        }
    }
}

/// A counter shared by load loops.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
