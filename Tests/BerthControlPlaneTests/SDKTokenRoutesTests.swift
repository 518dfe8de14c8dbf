import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import NIOHTTP1
import Testing

/// `POST /api/v1/sdk/token` and the admin API's acceptance of SDK tokens, through a real
/// `berth server` on loopback. The workspace's signing keys are written before the server starts,
/// so the test can also mint what the server would never issue: expired tokens, service tokens,
/// tokens of another workspace.
struct SDKTokenRoutesTests {
    @Test(
        "SDK tokens: issued with the admin token for 1–168 hours; they open the admin API until they expire",
        .timeLimit(.minutes(2)))
    func sdkTokens() async throws {
        let folder = try TemporaryDirectory("berth-sdk-token")
        defer { folder.remove() }
        let home = folder.appending("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let keys = SigningKeySet.generate(now: Date())
        try SigningKeyFile(workspace: WorkspaceLayout(root: home)).save(keys)
        try await BerthServer.withRunning(home: home) { server in
            try await check(server, keys: keys)
        }
    }

    func check(_ server: BerthServer, keys: SigningKeySet) async throws {
        let admin = [("Authorization", "Bearer \(try server.adminToken())"), ("Content-Type", "application/json")]
        let tokenURL = server.baseURL + "/api/v1/sdk/token"
        func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }
        func credentials(_ response: TestResponse) throws -> SDKCredentials {
            try BerthJSON.decode(SDKCredentials.self, from: Data(response.text.utf8))
        }

        // No body: 8 hours, and the names of sdk/workspace.json.
        let issued = try await TestHTTP.send(.POST, tokenURL, headers: admin)
        #expect(issued.status == 200, "\(issued.text)")
        let sdk = try credentials(issued)
        #expect(abs(sdk.expiresOn.timeIntervalSinceNow - 8 * 3600) < 120)
        let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: server.layout)
        #expect(sdk.subscriptionId == identity.subscriptionId)
        #expect(sdk.resourceGroup == identity.resourceGroup)
        #expect(sdk.workspaceName == identity.workspaceName)
        #expect(sdk.cloudName == identity.cloudName)
        let oneHour = try credentials(try await TestHTTP.post(tokenURL, #"{"hours": 1}"#, headers: admin))
        #expect(abs(oneHour.expiresOn.timeIntervalSinceNow - 3600) < 120)

        // Hours outside 1–168, or not an integer: 400 naming the field.
        for body in [#"{"hours": 0}"#, #"{"hours": 169}"#, #"{"hours": "8"}"#, #"{"hours": 2.5}"#] {
            let refused = try await TestHTTP.post(tokenURL, body, headers: admin)
            #expect(refused.status == 400 && refused.text.contains("'hours'"), "\(body) → \(refused.text)")
        }

        // The SDK token opens the admin API, but does not mint its own successor.
        #expect(
            try await TestHTTP.get(server.baseURL + "/api/v1/models", headers: bearer(sdk.accessToken)).status == 200)
        let workspace = try await TestHTTP.get(
            server.baseURL + "/api/v1/sdk/workspace", headers: bearer(sdk.accessToken))
        #expect(workspace.status == 200)
        #expect((try workspace.json() as? [String: Any])?["subscriptionId"] as? String == identity.subscriptionId)
        let renewal = try await TestHTTP.post(
            tokenURL, "{}", headers: bearer(sdk.accessToken) + [("Content-Type", "application/json")])
        #expect(renewal.status == 403, "\(renewal.text)")

        // Expired: 401 saying to run berth sdk env again.
        let expired = try SDKTokens.issue(hours: 1, keys: keys, now: Date().addingTimeInterval(-7200)).accessToken
        let late = try await TestHTTP.get(server.baseURL + "/api/v1/models", headers: bearer(expired))
        #expect(late.status == 401)
        #expect(late.text.contains("expired") && late.text.contains(#"eval \"$(berth sdk env)\""#), "\(late.text)")

        // Forged, altered, or a service's token (even an expired one): the ordinary 401.
        let signature = sdk.accessToken.split(separator: ".")[2]
        let altered = sdk.accessToken.dropLast(signature.count) + String(signature.reversed())
        let refusedTokens = [
            try SDKTokens.issue(hours: 8, keys: .generate(now: Date()), now: Date()).accessToken,
            String(altered),
            try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: Date()).accessToken,
            try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: Date().addingTimeInterval(-7200))
                .accessToken,
        ]
        for token in refusedTokens {
            let refused = try await TestHTTP.get(server.baseURL + "/api/v1/models", headers: bearer(token))
            #expect(refused.status == 401)
            #expect(refused.text.contains("admin token is wrong"), "\(refused.text)")
        }

        #expect(!server.log.contains(sdk.accessToken))
        #expect(!server.log.contains(String(signature)))
    }
}
