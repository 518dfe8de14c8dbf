import BerthCore
import BerthTesting
import NIOCore
import Testing

@testable import BerthRouter

/// The router's own connections to replicas: kept alive, replaced when the replica closed them.
struct RouterUpstreamTests {
    @Test(.timeLimit(.minutes(2))) func sequentialRequestsShareOneReplicaConnection() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                for index in 0..<20 {
                    let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "{\"i\": \(index)}")
                    #expect(response.status == 200 && response.text == "ok")
                }
                #expect(upstreams[0].requests.count == 20)
                #expect(upstreams[0].connections == 1, "one keep-alive connection carries every request")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func aConnectionTheReplicaClosedIsReplacedWithoutAnError() async throws {
        try await withUpstreams([("r0", { request in .respondThenClose(body: "fresh \(request.body)") })]) {
            upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                for index in 0..<10 {
                    let response = try await TestHTTP.post("\(base)/api/v1/service/svc/score", "\(index)")
                    #expect(response.status == 200)
                    #expect(response.text == "fresh \(index)")
                }
                #expect(upstreams[0].requests.count == 10, "each request reached the replica once")
                #expect(upstreams[0].connections == 10)
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func largeResponseStreamsThrough() async throws {
        let body = String(repeating: "0123456789", count: 200_000)
        try await withUpstreams([("r0", { _ in .respond(body: body) })]) { upstreams in
            try await withRouter { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                for _ in 0..<3 {
                    let response = try await TestHTTP.get("\(base)/api/v1/service/svc/score")
                    #expect(response.status == 200)
                    #expect(response.text == body)
                }
            }
        }
    }
}
