import BerthCore
import BerthTesting
import BerthTraceExport
import BerthTracing
import Logging
import NIOHTTP1
import Testing

@testable import BerthRouter

/// What reaches a replica of the trace headers a client sent: unchanged when the router does not
/// trace, replaced by the router's own span (same trace) when it does.
struct RouterTraceForwardingTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let clientParent = "00-\(traceID)-00f067aa0ba902b7-01"

    private func forwardedHeaders(
        tracing: Bool, _ headers: [(String, String)]
    ) async throws -> HTTPHeaders {
        var configuration = Router.Configuration(port: 0)
        if tracing {
            var logger = Logger(label: "router-trace-tests")
            logger.logLevel = .critical
            configuration.tracer = try TraceExport.make(serviceName: "berth-test", logger: logger).tracer
        }
        var seen: HTTPHeaders?
        try await withUpstreams([("r0", { _ in .respond(body: "{}") })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let response = try await TestHTTP.post(
                    "\(base)/api/v1/service/svc/score", "{}", headers: [("Content-Type", "application/json")] + headers)
                #expect(response.status == 200)
                seen = upstreams[0].requests.first?.headers
            }
        }
        return try #require(seen)
    }

    @Test(.timeLimit(.minutes(1))) func withoutTracingTheClientHeadersPassUnchanged() async throws {
        let seen = try await forwardedHeaders(
            tracing: false, [("traceparent", Self.clientParent), ("tracestate", "congo=t61rcWkgMzE")])
        #expect(seen[canonicalForm: "traceparent"] == [Substring(Self.clientParent)])
        #expect(seen.first(name: "tracestate") == "congo=t61rcWkgMzE")
    }

    @Test(.timeLimit(.minutes(1))) func withTracingTheRouterSendsItsOwnSpan() async throws {
        let seen = try await forwardedHeaders(
            tracing: true, [("traceparent", Self.clientParent), ("tracestate", "congo=t61rcWkgMzE")])
        let parents = seen[canonicalForm: "traceparent"]
        #expect(parents.count == 1, "the client's is replaced, not repeated: \(parents)")
        let forwarded = String(try #require(parents.first))
        #expect(TraceContextRules.isValidTraceparent(forwarded))
        #expect(forwarded.hasPrefix("00-\(Self.traceID)-"), "the same trace")
        #expect(forwarded != Self.clientParent, "the router's span is the replica's parent")
        #expect(seen[canonicalForm: "tracestate"] == ["congo=t61rcWkgMzE"])
    }

    @Test(.timeLimit(.minutes(1))) func withTracingAMalformedParentStartsATrace() async throws {
        let seen = try await forwardedHeaders(tracing: true, [("traceparent", "00-not-a-trace-01")])
        let parents = seen[canonicalForm: "traceparent"]
        #expect(parents.count == 1)
        let forwarded = String(try #require(parents.first))
        #expect(TraceContextRules.isValidTraceparent(forwarded) && !forwarded.contains(Self.traceID))
    }
}
