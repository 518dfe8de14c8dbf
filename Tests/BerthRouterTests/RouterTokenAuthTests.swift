import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthRouter

/// Token auth at the router, over loopback: it checks signature, audience and expiry against the
/// public keys of its route table, and answers 401 with a JSON reason that never echoes the token.
@Suite(.timeLimit(.minutes(2))) struct RouterTokenAuthTests {
    /// A table with token-auth services `svc` and `other` on `replica`, verifying with `keys`.
    private func table(_ generation: UInt64, keys: [TokenVerificationKey], replica: ReplicaEndpoint) -> RouteTable {
        RouteTable(
            generation: generation,
            services: [
                "svc": ServiceRoute(name: "svc", authEnabled: false, replicas: [replica], tokenAuthEnabled: true),
                "other": ServiceRoute(name: "other", authEnabled: false, replicas: [replica], tokenAuthEnabled: true),
            ],
            tokenKeys: keys)
    }

    private func score(_ base: String, _ service: String = "svc", token: String?) async throws -> TestResponse {
        try await TestHTTP.post(
            "\(base)/api/v1/service/\(service)/score", "{}",
            headers: token.map { [("Authorization", "Bearer \($0)")] } ?? [])
    }

    @Test("A valid token passes; none, a wrong audience, a tampered or a foreign token get 401 with a reason")
    func checksTokens() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                let now = Date()
                let keys = SigningKeySet.generate(now: now)
                router.update(table(1, keys: try keys.verificationKeys(now: now), replica: upstreams[0].endpoint))
                let token = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: now).accessToken

                let good = try await score(base, token: token)
                #expect(good.status == 200)
                #expect(good.text == "ok")

                let missing = try await score(base, token: nil)
                #expect(missing.status == 401)
                #expect(missing.routerError?.code == "token_missing")
                #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)

                let foreignAudience = try await score(base, "other", token: token)
                #expect(foreignAudience.status == 401)
                #expect(foreignAudience.routerError?.code == "token_wrong_audience")
                #expect(!foreignAudience.text.contains(token))

                var tampered = Array(token.utf8)
                tampered[tampered.count - 3] =
                    tampered[tampered.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                let tamperedResponse = try await score(base, token: String(decoding: tampered, as: UTF8.self))
                #expect(tamperedResponse.status == 401)
                #expect(tamperedResponse.routerError?.code == "token_bad_signature")

                let foreign = try AccessTokenIssuer.issue(audience: "svc", keys: .generate(now: now), now: now)
                let foreignResponse = try await score(base, token: foreign.accessToken)
                #expect(foreignResponse.status == 401)
                #expect(foreignResponse.routerError?.code == "token_unknown_key")

                let expired = try AccessTokenIssuer.issue(
                    audience: "svc", keys: keys, now: now.addingTimeInterval(-3601))
                let expiredResponse = try await score(base, token: expired.accessToken)
                #expect(expiredResponse.status == 401)
                #expect(expiredResponse.routerError?.code == "token_expired")
                #expect(!expiredResponse.text.contains(expired.accessToken))

                // A key is no token: a token service does not take it.
                let keyAttempt = try await score(base, token: "some-service-key-value-123456")
                #expect(keyAttempt.status == 401)
                #expect(upstreams[0].requests.count == 1, "only the valid token reached the replica")
            }
        }
    }

    @Test(
        "Rotation: old tokens work while the old key is published, new tokens at once; dropping the old key refuses its tokens"
    )
    func rotation() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                let now = Date()
                var keys = SigningKeySet.generate(now: now)
                router.update(table(1, keys: try keys.verificationKeys(now: now), replica: upstreams[0].endpoint))
                let oldToken = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: now).accessToken

                try keys.rotate(now: now)
                router.update(table(2, keys: try keys.verificationKeys(now: now), replica: upstreams[0].endpoint))
                let newToken = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: now).accessToken
                #expect(try await score(base, token: oldToken).status == 200)
                #expect(try await score(base, token: newToken).status == 200)

                // The table once the old key's tokens have all expired.
                let later = now.addingTimeInterval(3601)
                router.update(table(3, keys: try keys.verificationKeys(now: later), replica: upstreams[0].endpoint))
                let refused = try await score(base, token: oldToken)
                #expect(refused.status == 401)
                #expect(refused.routerError?.code == "token_unknown_key")
                #expect(try await score(base, token: newToken).status == 200)
            }
        }
    }

    @Test("Key auth and token auth stay apart: a key service ignores tokens, a token does not open it")
    func keyServiceIgnoresTokens() async throws {
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter { router, base in
                let now = Date()
                let keys = SigningKeySet.generate(now: now)
                var routes = routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint])
                routes.tokenKeys = try keys.verificationKeys(now: now)
                router.update(routes)
                let token = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: now).accessToken
                #expect(try await score(base, token: token).status == 401)
                #expect(try await score(base, token: "K1").status == 200)
            }
        }
    }
}
