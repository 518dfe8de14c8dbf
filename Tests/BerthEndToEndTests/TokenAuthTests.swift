import BerthCore
import BerthTesting
import Foundation
import Testing

/// Token auth end to end: a real `berth server`, a service deployed with `tokenAuthEnabled`, the
/// CLI's `get-access-token`, scoring through the real router, and signing-key rotation.
@Suite(.timeLimit(.minutes(5)))
struct TokenAuthTests {
    @Test("A token service takes its token, refuses keys and other services' tokens, and survives key rotation")
    func tokenServiceEndToEnd() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let tokenConfig = try workspace.folder.write(
                Data(#"{"computeType": "aks", "numReplicas": 1, "tokenAuthEnabled": true}"#.utf8), to: "token.json")
            try #require(try await workspace.deploy("token-svc", extra: ["--dc", tokenConfig.path]).succeeded)
            try #require(try await workspace.deploy("key-svc").succeeded)
            let uri = try #require(try await workspace.service("token-svc").scoringUri)

            // The signing key file is private to the workspace owner.
            let keyFile = workspace.home.appendingPathComponent("signing-keys.json")
            let mode = try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? NSNumber
            #expect(mode.map { $0.intValue & 0o777 } == 0o600)

            let before = Date().addingTimeInterval(-2)
            let token = try await berthJSON(AccessToken.self, "service", "get-access-token", "-n", "token-svc", home: workspace.home)
            #expect(token.tokenType == "Bearer")
            #expect(token.refreshAfter > before.addingTimeInterval(1790) && token.refreshAfter < Date().addingTimeInterval(1810))
            #expect(token.expiryOn.timeIntervalSince(token.refreshAfter) == 1800)

            let scored = try await TestHTTP.post(uri, #"{"n": 1}"#, headers: [("Authorization", "Bearer \(token.accessToken)")])
            #expect(scored.status == 200, "\(scored.text)")
            let anonymous = try await TestHTTP.post(uri, "{}")
            #expect(anonymous.status == 401)
            #expect(anonymous.text.contains("token_missing"))

            // Key auth is off for a token service: no keys to fetch.
            try await berthFails("service", "get-keys", "-n", "token-svc", home: workspace.home, saying: "does not use keys")
            // And a key service has no tokens.
            try await berthFails(
                "service", "get-access-token", "-n", "key-svc", home: workspace.home, saying: "does not use tokens")
            // A token for token-svc does not open key-svc.
            let keyURI = try #require(try await workspace.service("key-svc").scoringUri)
            let crossed = try await TestHTTP.post(keyURI, "{}", headers: [("Authorization", "Bearer \(token.accessToken)")])
            #expect(crossed.status == 401)

            // `service run` fetches a token itself.
            let run = try await berth("service", "run", "-n", "token-svc", "-d", #"{"via": "cli"}"#, home: workspace.home)
            #expect(run.stdout.contains(#""via": "cli""#))

            // Rotation: the old token keeps working until it expires; new tokens use the new key.
            let rotation = try await berthJSON(
                SigningKeyRotation.self, "workspace", "rotate-signing-key", home: workspace.home)
            #expect(rotation.kid != rotation.previousKid)
            #expect(rotation.previousValidUntil > Date().addingTimeInterval(3500))
            let fresh = try await berthJSON(AccessToken.self, "service", "get-access-token", "-n", "token-svc", home: workspace.home)
            #expect(fresh.accessToken != token.accessToken)
            for presented in [token.accessToken, fresh.accessToken] {
                let response = try await TestHTTP.post(uri, "{}", headers: [("Authorization", "Bearer \(presented)")])
                #expect(response.status == 200, "\(response.text)")
            }
            // The server log never holds a token.
            let logs = try await berth("service", "get-logs", "-n", "token-svc", home: workspace.home)
            #expect(!logs.stdout.contains(token.accessToken))
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }
}
