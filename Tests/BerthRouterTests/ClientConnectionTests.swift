import BerthCore
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
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
        // The first request holds the only slot for 6 s, far longer than the second client waits
        // (300 ms), even on a machine so loaded that timers fire seconds late.
        try await withUpstreams([("r0", { _ in .respond(body: "slow", delay: .seconds(6)) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxQueueWaitMs: 10_000, maxConcurrent: 1, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                async let first = TestHTTP.post(url, "{}")
                try await eventually { upstreams[0].inFlight == 1 }
                // The second request queues behind the first; its client gives up and closes.
                await #expect(throws: (any Error).self) {
                    try await TestHTTP.post(url, "{}", timeout: .milliseconds(300))
                }
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

/// Requests a client pipelines (sends before the previous answer came) are answered in order,
/// including those the router answers itself between forwarded ones.
struct PipeliningTests {
    @Test(.timeLimit(.minutes(2))) func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withUpstreams([
            (
                "r0",
                { request in
                    .respond(body: "echo:" + request.body, delay: request.body == "slow" ? .milliseconds(300) : .zero)
                }
            )
        ]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: [upstreams[0].endpoint]))
                let socket = try RawSocket(url: base)
                defer { socket.close() }
                func post(_ body: String) -> String {
                    "POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
                }
                // One write: a slow request, one the router answers itself, then two more.
                try socket.send(Data((post("slow") + "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + post("b") + post("c")).utf8))
                let text = String(
                    decoding: socket.receive { String(decoding: $0, as: UTF8.self).contains("echo:c") }, as: UTF8.self)
                let order = ["echo:slow", "Healthy", "echo:b", "echo:c"].map { text.range(of: $0)?.lowerBound }
                #expect(order.allSatisfy { $0 != nil }, "all four answers arrived: \(text)")
                #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "in the order sent: \(text)")
                #expect(text.components(separatedBy: "HTTP/1.1 200 OK").count - 1 == 4)
                #expect(upstreams[0].peakInFlight == 1, "a connection's requests reach the replica one at a time")
            }
        }
    }
}

/// `GET /ready` says whether the router has a route table; `GET /` (liveness) answers regardless.
struct RouterReadinessTests {
    @Test(.timeLimit(.minutes(2))) func readyOnlyOnceARouteTableArrived() async throws {
        try await withRouter { router, base in
            let before = try await TestHTTP.get("\(base)/ready")
            #expect(before.status == 503)
            #expect(before.routerError?.code == "no_route_table")
            #expect(try await TestHTTP.get("\(base)/").status == 200, "alive while it waits")
            router.update(RouteTable(generation: 1, services: [:]))
            let after = try await TestHTTP.get("\(base)/ready")
            #expect(after.status == 200 && after.text == "Ready")
        }
    }
}

/// Bytes that are not HTTP/1.1 get the router's JSON 400, and the connection closes.
struct MalformedRequestTests {
    @Test(.timeLimit(.minutes(2))) func notHTTPGetsA400WithAJSONBody() async throws {
        try await withRouter { router, base in
            router.update(RouteTable(generation: 1, services: [:]))
            for bytes in [
                "GARBAGE\r\n\r\n",
                "POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            ] {
                let socket = try RawSocket(url: base)
                defer { socket.close() }
                try socket.send(Data(bytes.utf8))
                let text = String(decoding: socket.receive { _ in false }, as: UTF8.self)  // until it closes
                #expect(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), "\(bytes.debugDescription) → \(text)")
                #expect(text.contains(#""code":"bad_request""#) && text.contains("not valid HTTP/1.1"))
                #expect(text.lowercased().contains("connection: close"))
            }
        }
    }
}

/// What the router's own request reader does beyond NIO's: `100 Continue` for a client that waits
/// for it, precise statuses for requests it refuses, and chunked bodies forwarded with a length.
struct RequestReadingTests {
    /// Runs `body` with a raw connection to a router in front of one replica that answers
    /// "got <request body>".
    static func withEchoRouter(_ body: (RawSocket, TestUpstream) async throws -> Void) async throws {
        try await withUpstreams([("r0", { request in .respond(body: "got " + request.body) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: [upstreams[0].endpoint]))
                let socket = try RawSocket(url: base)
                defer { socket.close() }
                try await body(socket, upstreams[0])
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aClientThatExpectsContinueGetsIt() async throws {
        try await Self.withEchoRouter { socket, upstream in
            try socket.send(
                Data(
                    "POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"
                        .utf8))
            let interim = String(decoding: socket.receive { $0.count >= 25 }, as: UTF8.self)
            #expect(interim == "HTTP/1.1 100 Continue\r\n\r\n", "before the body: \(interim)")
            try socket.send(Data("hello".utf8))
            let answer = String(
                decoding: socket.receive { String(decoding: $0, as: UTF8.self).hasSuffix("got hello") },
                as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("got hello"), "\(answer)")
            #expect(upstream.requests.first?.headers.first(name: "expect") == nil, "Expect is for this hop only")
        }
    }

    @Test(.timeLimit(.minutes(2))) func refusedRequestsGetTheirStatusAndAJSONBody() async throws {
        try await withRouter { router, base in
            router.update(RouteTable(generation: 1, services: [:]))
            for (bytes, status, code) in [
                ("GET / HTTP/2.0\r\n\r\n", "505 HTTP Version Not Supported", "http_version_not_supported"),
                (
                    "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "501 Not Implemented",
                    "transfer_coding_not_supported"
                ),
                (
                    "POST / HTTP/1.1\r\nExpect: later\r\nContent-Length: 1\r\n\r\nx", "417 Expectation Failed",
                    "expectation_failed"
                ),
                (
                    "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n",
                    "431 Request Header Fields Too Large", "headers_too_large"
                ),
                ("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", "400 Bad Request", "bad_request"),
            ] {
                let socket = try RawSocket(url: base)
                defer { socket.close() }
                try socket.send(Data(bytes.utf8))
                let text = String(decoding: socket.receive { _ in false }, as: UTF8.self)  // until it closes
                #expect(text.hasPrefix("HTTP/1.1 \(status)\r\n"), "\(bytes.prefix(60).debugDescription) → \(text)")
                #expect(text.contains(#""code":"\#(code)""#) && text.lowercased().contains("connection: close"))
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aChunkedRequestReachesTheReplicaWithItsLength() async throws {
        try await Self.withEchoRouter { socket, upstream in
            try socket.send(
                Data(
                    ("POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                        + "X-Custom: kept\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: 1\r\n\r\n")
                        .utf8))
            let answer = String(decoding: socket.receive { _ in false }, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n") && answer.hasSuffix("got abcde"), "\(answer)")
            let forwarded = try #require(upstream.requests.first)
            #expect(forwarded.headers.first(name: "content-length") == "5")
            #expect(forwarded.headers.first(name: "transfer-encoding") == nil)
            #expect(forwarded.headers.first(name: "x-custom") == "kept")
        }
    }
}

/// How a replica's body is framed toward the client when the replica gave no length: chunks for
/// HTTP/1.1 clients, the connection's end for HTTP/1.0 ones; HEAD gets headers only.
struct ResponseFramingTests {
    @Test(.timeLimit(.minutes(2))) func chunkedRepliesAreRelayedChunkedOrUntilClose() async throws {
        try await withUpstreams([("r0", { _ in .respondChunked(parts: ["alpha-", "beta-", "gamma"]) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: [upstreams[0].endpoint]))
                let viaClient = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{}")
                #expect(viaClient.status == 200 && viaClient.text == "alpha-beta-gamma")
                #expect(viaClient.header("transfer-encoding")?.lowercased() == "chunked")

                let socket = try RawSocket(url: base)
                defer { socket.close() }
                try socket.send(Data("POST /api/v1/service/svc/score HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}".utf8))
                let text = String(decoding: socket.receive { _ in false }, as: UTF8.self)  // until it closes
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(!text.lowercased().contains("transfer-encoding"), "HTTP/1.0 clients get no chunks: \(text)")
                #expect(text.hasSuffix("\r\n\r\nalpha-beta-gamma"))

                let head = try RawSocket(url: base)
                defer { head.close() }
                try head.send(Data("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
                let headText = String(decoding: head.receive { _ in false }, as: UTF8.self)
                #expect(
                    headText.hasPrefix("HTTP/1.1 200 OK\r\n") && headText.hasSuffix("\r\n\r\n"), "no body: \(headText)")
            }
        }
    }
}
