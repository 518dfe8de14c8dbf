import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import Testing

/// Every way to present a credential, against a key-auth service, a token-auth service and the
/// admin API of one real server: each cell answers as Azure's front end would (200 or 401), none
/// lets a wrong credential through, and no key or token appears in any log.
@Suite(.timeLimit(.minutes(5)))
struct AuthMatrixTests {
    @Test func everyCredentialCellAnswersAsItShould() async throws {
        let workspace = try await DeployTests.Workspace.start()
        do {
            let tokenConfig = try workspace.folder.write(
                Data(#"{"computeType": "aks", "numReplicas": 1, "tokenAuthEnabled": true}"#.utf8), to: "token.json")
            try #require(try await workspace.deploy("matrix-token", extra: ["--dc", tokenConfig.path]).succeeded)
            try #require(try await workspace.deploy("matrix-key").succeeded)
            let keyURI = try #require(try await workspace.service("matrix-key").scoringUri)
            let tokenURI = try #require(try await workspace.service("matrix-token").scoringUri)
            let home = workspace.home

            let keys = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "matrix-key", home: home)
            try await berth("service", "regen-key", "-n", "matrix-key", "-k", "Primary", home: home)
            let renewed = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "matrix-key", home: home)
            #expect(renewed.primaryKey != keys.primaryKey && renewed.secondaryKey == keys.secondaryKey)
            let token = try await berthJSON(
                AccessToken.self, "service", "get-access-token", "-n", "matrix-token", home: home)
            let workspaceKeys = try SigningKeyFile(workspace: WorkspaceLayout(root: home)).loadOrCreate(now: Date())
            let expired = try AccessTokenIssuer.issue(
                audience: "matrix-token", keys: workspaceKeys, now: Date().addingTimeInterval(-7200))
            let foreign = try AccessTokenIssuer.issue(
                audience: "matrix-token", keys: SigningKeySet.generate(now: Date()), now: Date())
            let otherAudience = try AccessTokenIssuer.issue(audience: "matrix-key", keys: workspaceKeys, now: Date())
            let adminToken = try workspace.server.adminToken()

            struct Cell {
                var what: String
                var uri: String
                var credential: String?
                var status: Int
            }
            let cells: [Cell] = [
                Cell(what: "key service, no key", uri: keyURI, credential: nil, status: 401),
                Cell(what: "key service, wrong key", uri: keyURI, credential: "not-a-key", status: 401),
                Cell(
                    what: "key service, old primary after regen-key", uri: keyURI, credential: keys.primaryKey,
                    status: 401),
                Cell(what: "key service, new primary", uri: keyURI, credential: renewed.primaryKey, status: 200),
                Cell(what: "key service, secondary", uri: keyURI, credential: keys.secondaryKey, status: 200),
                Cell(what: "key service, a valid token", uri: keyURI, credential: token.accessToken, status: 401),
                Cell(what: "key service, the admin token", uri: keyURI, credential: adminToken, status: 401),
                Cell(what: "token service, no token", uri: tokenURI, credential: nil, status: 401),
                Cell(what: "token service, its token", uri: tokenURI, credential: token.accessToken, status: 200),
                Cell(what: "token service, a key", uri: tokenURI, credential: renewed.primaryKey, status: 401),
                Cell(what: "token service, expired token", uri: tokenURI, credential: expired.accessToken, status: 401),
                Cell(what: "token service, foreign token", uri: tokenURI, credential: foreign.accessToken, status: 401),
                Cell(
                    what: "token service, another service's token", uri: tokenURI,
                    credential: otherAudience.accessToken, status: 401),
                Cell(
                    what: "token service, tampered token", uri: tokenURI, credential: tampered(token.accessToken),
                    status: 401),
                Cell(
                    what: "token service, alg none", uri: tokenURI, credential: unsigned(token.accessToken), status: 401
                ),
                Cell(what: "token service, the admin token", uri: tokenURI, credential: adminToken, status: 401),
            ]
            for cell in cells {
                let headers = cell.credential.map { [("Authorization", "Bearer \($0)")] } ?? []
                let response = try await TestHTTP.post(cell.uri, #"{"cell": 1}"#, headers: headers)
                #expect(response.status == cell.status, "\(cell.what): \(response.status) \(response.text)")
                if cell.status == 401 {
                    #expect(response.header("WWW-Authenticate") != nil, "\(cell.what)")
                    #expect(response.routerErrorCode != nil, "\(cell.what): a JSON error body")
                }
            }

            // The admin API takes only the admin token.
            let adminURL = "\(workspace.server.baseURL)/api/v1/services"
            for presented in [nil, renewed.primaryKey, token.accessToken] as [String?] {
                let headers = presented.map { [("Authorization", "Bearer \($0)")] } ?? []
                #expect(try await TestHTTP.get(adminURL, headers: headers).status == 401)
            }
            #expect(
                try await TestHTTP.get(adminURL, headers: [("Authorization", "Bearer \(adminToken)")]).status == 200)

            // No secret in any log: the server's, and every replica's.
            let secrets = [keys.primaryKey, keys.secondaryKey, renewed.primaryKey, token.accessToken, adminToken]
            var logs = workspace.server.log
            for service in ["matrix-key", "matrix-token"] {
                logs += try await berth("service", "get-logs", "-n", service, home: home).stdout
            }
            for secret in secrets { #expect(!logs.contains(secret), "a secret in the logs") }
        } catch {
            await workspace.stop()
            throw error
        }
        await workspace.stop()
    }

    /// The token with one character in the middle of its payload changed (a middle character
    /// carries six bits of the claims; the last one may carry padding bits only).
    private func tampered(_ token: String) -> String {
        var parts = token.split(separator: ".").map { Array($0) }
        guard parts.count == 3, parts[1].count > 4 else { return token }
        let middle = parts[1].count / 2
        parts[1][middle] = parts[1][middle] == "A" ? "B" : "A"
        return parts.map { String($0) }.joined(separator: ".")
    }

    /// The token's claims under `{"alg": "none"}` with no signature, the classic forgery.
    private func unsigned(_ token: String) -> String {
        let parts = token.split(separator: ".")
        let header = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
        return parts.count == 3 ? "\(header).\(parts[1])." : token
    }
}

extension TestResponse {
    /// `error.code` of a JSON error body, if the body is one.
    fileprivate var routerErrorCode: String? {
        guard let object = try? json() as? [String: Any], let error = object["error"] as? [String: Any] else {
            return nil
        }
        return error["code"] as? String
    }
}
