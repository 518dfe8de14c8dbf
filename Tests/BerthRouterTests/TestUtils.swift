import BerthAuth
import BerthCore
import BerthTesting
import Logging
import NIOCore
import NIOHTTP1

@testable import BerthRouter

/// Runs a router on a port the OS picks for the length of `body`, then cancels it.
func withRouter(
    _ configuration: Router.Configuration = Router.Configuration(port: 0),
    _ body: (Router, String) async throws -> Void
) async throws {
    var configuration = configuration
    configuration.port = 0
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "berth.router.test")
    logger.logLevel = .debug
    let router = Router(configuration: configuration, logger: logger, onListening: { continuation.yield($0) })
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await router.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestProcessError("The router did not report its port.") }
        do {
            try await body(router, "http://127.0.0.1:\(port)")
        } catch {
            group.cancelAll()
            throw error
        }
        group.cancelAll()
    }
}

/// Starts the upstreams, runs `body`, and always stops them.
func withUpstreams(
    _ replies: [(String, @Sendable (UpstreamRequest) -> UpstreamReply)],
    _ body: ([TestUpstream]) async throws -> Void
) async throws {
    var started: [TestUpstream] = []
    do {
        for (id, reply) in replies { started.append(try await TestUpstream.start(id: id, reply)) }
        try await body(started)
    } catch {
        for upstream in started { await upstream.stop() }
        throw error
    }
    for upstream in started { await upstream.stop() }
}

/// A route table with one service `svc` on `replicas`.
func routeTable(
    generation: UInt64 = 1,
    service: String = "svc",
    authEnabled: Bool = false,
    keys: [String] = [],
    scoringTimeoutMs: Int = 60000,
    maxQueueWaitMs: Int = 500,
    maxConcurrent: Int = 1,
    replicas: [ReplicaEndpoint]
) -> RouteTable {
    RouteTable(
        generation: generation,
        services: [
            service: ServiceRoute(
                name: service, authEnabled: authEnabled, keyDigests: keys.map { KeyDigest.sha256Hex($0) },
                scoringTimeoutMs: scoringTimeoutMs, maxQueueWaitMs: maxQueueWaitMs,
                maxConcurrentRequestsPerContainer: maxConcurrent, replicas: replicas)
        ])
}

/// Polls `condition` every 10 ms for up to `timeout`.
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw TestProcessError("Condition not met within \(timeout).") }
        try await Task.sleep(for: .milliseconds(10))
    }
}

extension TestResponse {
    /// `error.code` and `error.message` of the router's JSON error body.
    var routerError: (code: String, message: String, requestID: String)? {
        guard let object = try? json() as? [String: Any], let error = object["error"] as? [String: Any],
            let code = error["code"] as? String, let message = error["message"] as? String,
            let requestID = error["requestId"] as? String
        else { return nil }
        return (code, message, requestID)
    }
}
