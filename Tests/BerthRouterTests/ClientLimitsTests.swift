import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthRouter

/// The router's global limits on clients: connections open at once, body bytes held at once,
/// the request-head timeout (slow-loris) and the idle timeout.
struct ClientLimitsTests {
    private static func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

    @Test(.timeLimit(.minutes(2))) func bodiesOverTheBudgetGet503AndTheBudgetComesBack() async throws {
        var configuration = Router.Configuration(port: 0)
        configuration.maxBufferedBodyBytes = 1000
        try await withUpstreams([("r0", { request in .respond(body: "got \(request.body.utf8.count)") })]) {
            upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: [upstreams[0].endpoint]))
                let url = "\(base)/api/v1/service/svc/score"
                let refused = try await TestHTTP.post(url, String(repeating: "x", count: 2000))
                #expect(refused.status == 503)
                #expect(refused.routerError?.code == "overloaded")
                #expect(refused.routerError?.message.contains("maxBufferedBodyBytes") == true)
                // Nothing stays held: bodies that fit go through, one after another.
                for _ in 0..<3 {
                    let accepted = try await TestHTTP.post(url, String(repeating: "y", count: 900))
                    #expect(accepted.status == 200 && accepted.text == "got 900")
                }
                #expect(upstreams[0].requests.count == 3)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func connectionsOverTheLimitGet503() async throws {
        var configuration = Router.Configuration(port: 0)
        configuration.maxConnections = 2
        try await withRouter(configuration) { router, base in
            router.update(RouteTable(generation: 1, services: [:]))
            let first = try RawSocket(url: base)
            let second = try RawSocket(url: base)
            defer { second.close() }
            // Both are taken once they answer.
            for socket in [first, second] {
                try socket.send(Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                #expect(Self.text(socket.receive { Self.text($0).contains("Healthy") }).contains("200 OK"))
            }
            let third = try RawSocket(url: base)
            defer { third.close() }
            let refusal = Self.text(third.receive { _ in false })  // until it closes
            #expect(refusal.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(refusal)")
            #expect(refusal.contains(#""code":"too_many_connections""#))
            first.close()
            try await eventually {
                guard let socket = try? RawSocket(url: base) else { return false }
                defer { socket.close() }
                try? socket.send(Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                return Self.text(socket.receive { Self.text($0).contains("\r\n\r\n") }).hasPrefix("HTTP/1.1 200")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aHeadThatTricklesGets408() async throws {
        var configuration = Router.Configuration(port: 0)
        configuration.requestHeadTimeout = .milliseconds(400)
        try await withRouter(configuration) { router, base in
            router.update(RouteTable(generation: 1, services: [:]))
            let socket = try RawSocket(url: base)
            defer { socket.close() }
            let started = ContinuousClock.now
            try socket.send(Data("POST /api/v1/serv".utf8))
            try await Task.sleep(for: .milliseconds(150))
            try socket.send(Data("ice/svc/sc".utf8))  // still coming, never whole
            let text = Self.text(socket.receive { _ in false })  // until it closes
            #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(text)")
            #expect(text.contains(#""code":"request_timeout""#))
            #expect(ContinuousClock.now - started >= .milliseconds(400))
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test(.timeLimit(.minutes(2))) func aQuietConnectionIsClosedAndAStalledBodyGets408() async throws {
        var configuration = Router.Configuration(port: 0)
        configuration.clientIdleTimeout = .milliseconds(400)
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let idle = try RawSocket(url: base)
                defer { idle.close() }
                try idle.send(Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let started = ContinuousClock.now
                let answer = Self.text(idle.receive { _ in false })  // the answer, then the close
                #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(ContinuousClock.now - started >= .milliseconds(400), "kept open while not idle long")

                let stalled = try RawSocket(url: base)
                defer { stalled.close() }
                try stalled.send(
                    Data(
                        ("POST /api/v1/service/svc/score HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                            + "only ten b").utf8))
                let text = Self.text(stalled.receive { _ in false })
                #expect(text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"), "\(text)")
                #expect(upstreams[0].requests.isEmpty)
            }
        }
    }

    @Test func theBudgetRefusesWhatDoesNotFitAndCountsBack() {
        let budget = BodyBudget(limit: 100)
        #expect(budget.reserve(60))
        #expect(!budget.reserve(41))
        #expect(budget.reserve(40))
        #expect(!budget.reserve(1))
        budget.release(100)
        #expect(budget.heldBytes == 0)
        #expect(!budget.reserve(.max), "no overflow")
        #expect(budget.reserve(100))
    }

    @Test func timeoutsTickAtAQuarterOfTheShorterOne() {
        let timeouts = ConnectionTimeouts(head: .seconds(20), idle: .seconds(120))
        #expect(timeouts.tick == .seconds(1))
        #expect(ConnectionTimeouts(head: .milliseconds(400), idle: .seconds(1)).tick == .milliseconds(100))
        #expect(ConnectionTimeouts(head: .milliseconds(1), idle: .seconds(1)).tick == .milliseconds(10))
        #expect(!timeouts.hasPassed(.seconds(20), after: 19))
        #expect(timeouts.hasPassed(.seconds(20), after: 20))
    }
}
