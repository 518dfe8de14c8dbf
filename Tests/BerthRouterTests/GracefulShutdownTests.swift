import BerthCore
import BerthTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import BerthRouter

/// Graceful shutdown lets the requests in flight finish, then `run()` returns.
struct GracefulShutdownTests {
    @Test(.timeLimit(.minutes(2))) func requestInFlightFinishesThenRunReturns() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "finished", delay: .seconds(5)) })]) { upstreams in
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let logger = Logger(label: "berth.router.test")
            let router = Router(configuration: .init(port: 0), logger: logger, onListening: { continuation.yield($0) })
            router.update(routeTable(replicas: [upstreams[0].endpoint]))
            let group = ServiceGroup(configuration: .init(services: [router], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                async let response = TestHTTP.post("http://127.0.0.1:\(port)/api/v1/service/svc/score", "{}")
                try await eventually { upstreams[0].inFlight == 1 }
                await group.triggerGracefulShutdown()
                let answer = try await response
                #expect(answer.status == 200)
                #expect(answer.text == "finished")
                try await tasks.next()  // run() returned without an error
            }
        }
    }
}
