import BerthAuth
import BerthCore
import Foundation
import NIOHTTP1

extension RouterRequestHandler {
    /// The 401 to answer when the service of `route` takes tokens and the request's is missing,
    /// expired, for another audience or not signed by a workspace key; nil when the request may
    /// go on (also when the service does not use tokens: its keys are checked next).
    ///
    /// The check uses only the route table's public keys (and remembers tokens whose signature
    /// checked out): no call to the control plane.
    ///
    /// - Parameter endpoint: the endpoint the request came through, named in messages instead of
    ///   the version's deployment.
    func tokenDenial(
        _ head: RequestHead, route: ServiceRoute, _ exchange: Exchange, endpoint: String? = nil
    ) -> RouterResponse? {
        guard route.tokenAuthEnabled else { return nil }
        let authorization = head.authorization
        let rejection: TokenRejection
        if let token = KeyCheck.bearerToken(authorization), !token.isEmpty {
            guard
                let failure = rollout.tokens.verify(token, audience: route.tokenAudience ?? route.name, now: Date())
            else { return nil }
            rejection = failure
        } else {
            let (kind, subject) = endpoint.map { ("endpoint", $0) } ?? ("service", route.name)
            rejection = TokenRejection(
                code: "token_missing",
                message: "\(kind.prefix(1).uppercased() + kind.dropFirst()) '\(subject)' needs an access token. Send "
                    + "'Authorization: Bearer <token>' (berth \(kind) get-access-token -n \(subject)).")
        }
        var response = RouterResponse.error(
            .unauthorized, code: rejection.code, message: rejection.message, requestID: exchange.requestID)
        response.headers.add(name: "WWW-Authenticate", value: #"Bearer error="invalid_token""#)
        return response
    }

    /// The 401 for an endpoint request without a valid endpoint key, worded for the endpoint
    /// (the service's wording would name the version's deployment).
    func endpointUnauthorized(_ endpoint: String, hasHeader: Bool, _ exchange: Exchange) -> RouterResponse {
        var response = RouterResponse.error(
            .unauthorized, code: "unauthorized",
            message: (hasHeader
                ? "The key is not valid for endpoint '\(endpoint)'. " : "Endpoint '\(endpoint)' needs a key. ")
                + "Send 'Authorization: Bearer <primary or secondary key>' (berth endpoint get-keys -n \(endpoint)).",
            requestID: exchange.requestID)
        response.headers.add(name: "WWW-Authenticate", value: "Bearer")
        return response
    }
}
