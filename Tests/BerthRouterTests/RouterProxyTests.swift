import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import BerthRouter

/// The router in front of scripted upstreams on loopback: pass-through, auth, ids, limits.
struct RouterProxyTests {
    @Test(.timeLimit(.minutes(2))) func passesScoreThroughWithHeadersAndIDs() async throws {
        try await withUpstreams([
            (
                "r0",
                { _ in
                    .respond(headers: [("Content-Type", "application/json"), ("x-custom", "yes")], body: #"{"r":1}"#)
                }
            )
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score?x=1", #"{"data":[1]}"#,
                    headers: [
                        ("Content-Type", "application/json"), ("Authorization", "Bearer K1"),
                        ("x-ms-client-request-id", "client-42"),
                    ])
                #expect(response.status == 200)
                #expect(response.text == #"{"r":1}"#)
                #expect(response.header("x-custom") == "yes")
                #expect(response.header("Content-Type") == "application/json")
                #expect(response.header("x-ms-client-request-id") == "client-42")
                let requestID = try #require(response.header("x-ms-request-id"))
                #expect(UUID(uuidString: requestID) != nil)
                let seen = try #require(upstreams[0].requests.first)
                #expect(seen.method == .POST)
                #expect(seen.uri == "/score?x=1")
                #expect(seen.body == #"{"data":[1]}"#)
                #expect(seen.headers.first(name: "x-ms-request-id") == requestID)
                #expect(seen.headers.first(name: "x-ms-client-request-id") == "client-42")
                #expect(seen.headers.first(name: "Authorization") == nil)  // the key stays at the router
                // A fresh id per request.
                let again = try await TestHTTP.get(
                    "\(base)/api/v1/service/svc/score?a=1", headers: [("Authorization", "Bearer K1")])
                #expect(again.status == 200)
                #expect(again.header("x-ms-request-id") != requestID)
                #expect(upstreams[0].requests.last?.method == .GET)
                #expect(upstreams[0].requests.last?.uri == "/score?a=1")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func keysAreChecked() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(
                    routeTable(
                        authEnabled: true, keys: ["primary-key", "secondary-key"], replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                let missing = try await TestHTTP.post(url, "{}")
                #expect(missing.status == 401)
                #expect(missing.routerError?.code == "unauthorized")
                #expect(missing.header("WWW-Authenticate") == "Bearer")
                #expect(missing.routerError?.requestID == missing.header("x-ms-request-id"))
                let wrong = try await TestHTTP.post(url, "{}", headers: [("Authorization", "Bearer nope")])
                #expect(wrong.status == 401)
                #expect(wrong.routerError?.message.contains("nope") == false)
                let primary = try await TestHTTP.post(url, "{}", headers: [("Authorization", "Bearer primary-key")])
                #expect(primary.status == 200)
                let secondary = try await TestHTTP.post(url, "{}", headers: [("Authorization", "Bearer secondary-key")])
                #expect(secondary.status == 200)
                // Key rotation: the next table's keys apply at once.
                router.update(
                    routeTable(
                        generation: 2, authEnabled: true, keys: ["new-key", "secondary-key"],
                        replicas: [upstreams[0].endpoint]))
                #expect(
                    try await TestHTTP.post(url, "{}", headers: [("Authorization", "Bearer primary-key")]).status == 401
                )
                #expect(
                    try await TestHTTP.post(url, "{}", headers: [("Authorization", "Bearer new-key")]).status == 200)
                #expect(upstreams[0].requests.count == 3)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func authDisabledServiceIsOpen() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "open") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: false, replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                #expect(response.status == 200)
                #expect(response.text == "open")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func unknownServiceAndRouteAre404() async throws {
        try await withRouter { router, base in
            router.update(routeTable(replicas: []))
            let response = try await TestHTTP.post("\(base)/api/v1/service/nope/score", "{}")
            #expect(response.status == 404)
            #expect(response.routerError?.code == "service_not_found")
            #expect(response.routerError?.message.contains("'nope'") == true)
            #expect(response.header("x-ms-request-id") != nil)
            let other = try await TestHTTP.get("\(base)/elsewhere")
            #expect(other.status == 404)
            #expect(other.routerError?.code == "route_not_found")
            let health = try await TestHTTP.get("\(base)/")
            #expect(health.status == 200)
        }
    }

    @Test(.timeLimit(.minutes(2))) func bodyOverTheLimitIs413() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter(.init(maxBodyBytes: 1024)) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                let big = try await TestHTTP.post(url, String(repeating: "x", count: 4096))
                #expect(big.status == 413)
                #expect(big.routerError?.code == "payload_too_large")
                #expect(big.header("x-ms-request-id") != nil)
                let fits = try await TestHTTP.post(url, String(repeating: "x", count: 1024))
                #expect(fits.status == 200)
                #expect(upstreams[0].requests.count == 1)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func methodsOtherThanGetAndPostAre405() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let put = try await TestHTTP.send(
                    .PUT, "\(base)/api/v1/service/svc/score", body: ByteBuffer(string: "{}"))
                #expect(put.status == 405)
                let swaggerPost = try await TestHTTP.post("\(base)/api/v1/service/svc/swagger.json", "{}")
                #expect(swaggerPost.status == 405)
                #expect(upstreams[0].requests.isEmpty)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func swaggerIsProxiedBehindAuth() async throws {
        try await withUpstreams([
            (
                "r0",
                { request in
                    request.uri.hasPrefix("/swagger.json")
                        ? .respond(headers: [("Content-Type", "application/json")], body: #"{"swagger":"2.0"}"#)
                        : .respond(status: .notFound)
                }
            )
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/swagger.json?version=2"
                #expect(try await TestHTTP.get(url).status == 401)
                let response = try await TestHTTP.get(url, headers: [("Authorization", "Bearer K1")])
                #expect(response.status == 200)
                #expect(response.text == #"{"swagger":"2.0"}"#)
                #expect(upstreams[0].requests.map(\.uri) == ["/swagger.json?version=2"])
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func serviceHealthIsAnsweredByTheRouter() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.get("\(base)/api/v1/service/svc/")
                #expect(response.status == 200)
                #expect(response.text == "Healthy")
                router.update(routeTable(generation: 2, replicas: []))
                #expect(try await TestHTTP.get("\(base)/api/v1/service/svc").status == 503)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func routeUpdateSwapsReplicasAtOnce() async throws {
        try await withUpstreams([
            ("old", { _ in .respond(body: "old") }), ("new", { _ in .respond(body: "new") }),
        ]) { upstreams in
            try await withRouter { router, base in
                let url = "\(base)/api/v1/service/svc/score"
                #expect(router.update(routeTable(generation: 1, replicas: [upstreams[0].endpoint])))
                let before = try await TestHTTP.post(url, "{}")
                #expect(before.text == "old")
                #expect(router.update(routeTable(generation: 2, replicas: [upstreams[1].endpoint])))
                let after = try await TestHTTP.post(url, "{}")
                #expect(after.text == "new")
                // An older table arriving late changes nothing.
                #expect(!router.update(routeTable(generation: 1, replicas: [upstreams[0].endpoint])))
                let late = try await TestHTTP.post(url, "{}")
                #expect(late.text == "new")
                #expect(router.load().generation == 2)
            }
        }
    }
}
