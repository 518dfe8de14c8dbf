import BerthCore
import BerthTesting
import NIOHTTP1
import Testing

@testable import BerthRouter

/// The replica secret of a route (`ServiceRoute.replicaSecret`): the router adds it to every
/// request it forwards, and a client's own `x-berth-replica-secret` never reaches a replica.
struct RouterReplicaSecretTests {
    static let secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"

    static func table(secret: String?, replicas: [ReplicaEndpoint]) -> RouteTable {
        var table = routeTable(authEnabled: true, keys: ["K1"], replicas: replicas)
        table.services["svc"]?.replicaSecret = secret
        return table
    }

    @Test("A route's secret goes to the replica with every request, scoring and swagger", .timeLimit(.minutes(2)))
    func routeSecretIsSent() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(Self.table(secret: Self.secret, replicas: [upstreams[0].endpoint]))
                let key = [("Authorization", "Bearer K1")]
                let posted = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}", headers: key)
                let got = try await TestHTTP.get("\(base)/api/v1/service/svc/score?a=1", headers: key)
                let swagger = try await TestHTTP.get("\(base)/api/v1/service/svc/swagger.json", headers: key)
                #expect([posted.status, got.status, swagger.status] == [200, 200, 200])
                let seen = upstreams[0].requests
                #expect(seen.count == 3)
                for request in seen {
                    #expect(request.headers["x-berth-replica-secret"] == [Self.secret], "\(request.uri)")
                    #expect(request.headers.first(name: "Authorization") == nil)
                }
                // A refused request reaches no replica, so the secret goes nowhere for it.
                let refused = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                #expect(refused.status == 401)
                #expect(upstreams[0].requests.count == 3)
            }
        }
    }

    @Test(
        "A client's x-berth-replica-secret is dropped; only the route's own reaches the replica",
        .timeLimit(.minutes(2)))
    func clientSecretIsDroppedWithARouteSecret() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(Self.table(secret: Self.secret, replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score", "{}",
                    headers: [
                        ("Authorization", "Bearer K1"), ("x-berth-replica-secret", "guessed"),
                        ("X-Berth-Replica-Secret", "guessed-again"), ("x-other", "kept"),
                    ])
                #expect(response.status == 200)
                let seen = try #require(upstreams[0].requests.first)
                #expect(seen.headers["x-berth-replica-secret"] == [Self.secret])
                #expect(seen.headers.first(name: "x-other") == "kept")
            }
        }
    }

    @Test("Without a route secret a client's x-berth-replica-secret is dropped too", .timeLimit(.minutes(2)))
    func clientSecretIsDroppedWithoutARouteSecret() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(Self.table(secret: nil, replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score", "{}",
                    headers: [("Authorization", "Bearer K1"), ("x-berth-replica-secret", Self.secret)])
                #expect(response.status == 200)
                let seen = try #require(upstreams[0].requests.first)
                #expect(!seen.headers.contains(name: "x-berth-replica-secret"))
            }
        }
    }

    @Test("A replica's x-berth-replica-secret response header does not reach the client", .timeLimit(.minutes(2)))
    func replicaEchoIsDropped() async throws {
        try await withUpstreams([
            (
                "r0",
                { request in
                    .respond(
                        headers: request.headers["x-berth-replica-secret"].map { ("x-berth-replica-secret", $0) },
                        body: "ok")
                }
            )
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(Self.table(secret: Self.secret, replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score", "{}", headers: [("Authorization", "Bearer K1")])
                #expect(response.status == 200)
                #expect(response.header("x-berth-replica-secret") == nil)
            }
        }
    }
}
