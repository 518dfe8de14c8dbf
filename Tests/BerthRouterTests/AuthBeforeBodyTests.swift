import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthRouter

/// A request the router refuses from its head (no key, a wrong key, no such service) is answered
/// before its body is read, so a client without a key cannot make the router read or hold a
/// large upload.
struct AuthBeforeBodyTests {
    /// Runs `body` with a router in front of one replica of key-auth service `svc` (key "K1").
    static func withKeyedService(_ body: (String, TestUpstream) async throws -> Void) async throws {
        try await withUpstreams([("r0", { request in .respond(body: "got \(request.body.utf8.count)") })]) {
            upstreams in
            try await withRouter { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint]))
                try await body(base, upstreams[0])
            }
        }
    }

    static func head(contentLength: Int, key: String? = nil, service: String = "svc", extra: String = "") -> String {
        "POST /api/v1/service/\(service)/score HTTP/1.1\r\nHost: x\r\nContent-Length: \(contentLength)\r\n"
            + (key.map { "Authorization: Bearer \($0)\r\n" } ?? "") + extra + "\r\n"
    }

    @Test(.timeLimit(.minutes(2))) func largeUploadWithoutAKeyGets401BeforeItsBody() async throws {
        try await Self.withKeyedService { base, upstream in
            let socket = try RawSocket(url: base)
            defer { socket.close() }
            // A 90 MB upload announced; only its head and 16 KiB of it are sent.
            try socket.send(Data(Self.head(contentLength: 90_000_000).utf8) + Data(count: 16 * 1024))
            let text = String(
                decoding: socket.receive { String(decoding: $0, as: UTF8.self).hasSuffix("}}") }, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), "\(text)")
            #expect(text.contains(#""code":"unauthorized""#))
            #expect(text.lowercased().contains("connection: close"))
            // What follows is dropped up to a small bound, then the connection closes.
            var sent = 16 * 1024
            let chunk = Data(count: 64 * 1024)
            while sent < 8 * 1024 * 1024, (try? socket.send(chunk)) != nil { sent += chunk.count }
            #expect(sent < 8 * 1024 * 1024, "the router stopped reading after a small drain")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2))) func wrongKeyThatWaitsForContinueGets401Instead() async throws {
        try await Self.withKeyedService { base, upstream in
            let socket = try RawSocket(url: base)
            defer { socket.close() }
            try socket.send(
                Data(Self.head(contentLength: 50_000_000, key: "wrong", extra: "Expect: 100-continue\r\n").utf8))
            let text = String(decoding: socket.receive { _ in false }, as: UTF8.self)  // until it closes
            #expect(text.hasPrefix("HTTP/1.1 401 Unauthorized\r\n"), "no 100 Continue first: \(text)")
            #expect(text.contains("The key is not valid for service 'svc'"))
            #expect(!text.contains("wrong"), "the presented key is not echoed")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test(.timeLimit(.minutes(2))) func theRightKeyStillGetsContinueAndTheReplica() async throws {
        try await Self.withKeyedService { base, upstream in
            let socket = try RawSocket(url: base)
            defer { socket.close() }
            try socket.send(Data(Self.head(contentLength: 5, key: "K1", extra: "Expect: 100-continue\r\n").utf8))
            let interim = String(
                decoding: socket.receive { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }, as: UTF8.self)
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"))
            try socket.send(Data("hello".utf8))
            let text = String(
                decoding: socket.receive { String(decoding: $0, as: UTF8.self).contains("got 5") }, as: UTF8.self)
            #expect(text.contains("HTTP/1.1 200 OK"), "\(text)")
            #expect(upstream.requests.count == 1)
        }
    }

    /// A small refused body is dropped as it arrives and the connection serves the next request.
    @Test(.timeLimit(.minutes(2))) func smallRefusedBodyKeepsTheConnection() async throws {
        try await Self.withKeyedService { base, upstream in
            let socket = try RawSocket(url: base)
            defer { socket.close() }
            let refused = Self.head(contentLength: 11, service: "nosuch") + "hello world"
            let accepted = Self.head(contentLength: 3, key: "K1") + "abc"
            try socket.send(Data((refused + accepted).utf8))
            let text = String(
                decoding: socket.receive { String(decoding: $0, as: UTF8.self).contains("got 3") }, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 404 Not Found\r\n"), "\(text)")
            #expect(text.contains("HTTP/1.1 200 OK"), "the next request on the same connection: \(text)")
            #expect(upstream.requests.count == 1)
        }
    }
}
