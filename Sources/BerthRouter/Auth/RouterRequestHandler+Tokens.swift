import BerthAuth
import BerthCore
import Foundation
import NIOHTTP1

extension RouterRequestHandler {
    /// The 401 to answer when `service` takes tokens and the request's is missing, expired, for
    /// another audience or not signed by a workspace key; nil when the request may go on (also
    /// when the service does not use tokens: its keys are checked when forwarding).
    ///
    /// The check uses only the route table's public keys: no call to the control plane.
    func tokenDenial(_ head: HTTPRequestHead, service name: String, _ exchange: Exchange) -> RouterResponse? {
        guard let route = admission.route(named: name), route.tokenAuthEnabled else { return nil }
        let authorization = head.headers.first(name: "authorization")
        let rejection: TokenRejection
        if let token = KeyCheck.bearerToken(authorization), !token.isEmpty {
            guard
                let failure = rollout.tokens.verifier.verify(
                    token, audience: route.tokenAudience ?? route.name, now: Date())
            else { return nil }
            rejection = failure
        } else {
            rejection = TokenRejection(
                code: "token_missing",
                message: "Service '\(name)' needs an access token. Send 'Authorization: Bearer <token>' "
                    + "(berth service get-access-token -n \(name)).")
        }
        var response = RouterResponse.error(
            .unauthorized, code: rejection.code, message: rejection.message, requestID: exchange.requestID)
        response.headers.add(name: "WWW-Authenticate", value: #"Bearer error="invalid_token""#)
        return response
    }
}
