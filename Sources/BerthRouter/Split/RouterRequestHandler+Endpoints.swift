import BerthCore
import NIOCore
import NIOHTTP1

extension RouterRequestHandler {
    /// Decides `/api/v1/endpoint/<endpoint>[/<version>]/score`: picks the version (by the split,
    /// or the one named), then checks the caller's token or key if the endpoint uses them and
    /// forwards to the version's replicas like a service request (admission, proxying). The
    /// answer carries `x-berth-endpoint-version`.
    func planEndpoint(
        _ head: RequestHead, endpoint name: String, version: String?, query: String?,
        exchange: inout Exchange, routes: inout RouteCache
    ) -> Decision {
        let pick: EndpointSplitter.Pick?
        if let version {
            pick = rollout.endpoints.direct(endpoint: name, version: version)
        } else {
            pick = rollout.endpoints.pick(endpoint: name)
        }
        guard let pick else {
            exchange.meters = metrics?.unrouted
            return .respond(endpointMiss(name, version: version, exchange))
        }
        exchange.meters = routes.meters(named: pick.service, in: metrics)
        exchange.endpoint = EndpointExchange(endpoint: name, version: pick.version, startedAt: RouterClock.now)
        return plan(
            head, service: pick.service, route: routes.route(named: pick.service, in: admission),
            target: Self.target("/score", query), exchange: exchange, endpoint: name)
    }

    private func endpointMiss(_ name: String, version: String?, _ exchange: Exchange) -> RouterResponse {
        guard rollout.endpoints.hasEndpoint(name) else {
            return .error(
                .notFound, code: "endpoint_not_found",
                message: "Endpoint '\(name)' does not exist on this router. Check the name with 'berth endpoint list'.",
                requestID: exchange.requestID)
        }
        if let version {
            return .error(
                .notFound, code: "endpoint_version_not_found",
                message: "Endpoint '\(name)' has no version '\(version)'. 'berth endpoint show -n \(name)' lists them.",
                requestID: exchange.requestID)
        }
        return .retryLater(
            code: "no_traffic",
            message:
                "No version of endpoint '\(name)' has traffic assigned; set a --traffic-percentile or a default version.",
            requestID: exchange.requestID)
    }
}

/// An endpoint request's version and start, carried with the exchange to its response.
struct EndpointExchange: Sendable {
    var endpoint: String
    var version: String
    var startedAt: RouterClock.Instant
}
