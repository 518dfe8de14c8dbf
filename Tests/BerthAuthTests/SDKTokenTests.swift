import BerthAuth
import BerthCore
import Foundation
import Testing

/// Tokens with a lifetime of their own: the SDK token's hours, its audience kept apart from
/// services', and its expiry, all at injected times.
@Suite struct SDKTokenTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000.75)
    let keys = SigningKeySet.generate(now: Date(timeIntervalSince1970: 1_800_000_000))

    private func keySet(at now: Date) throws -> [TokenVerificationKey] {
        try keys.verificationKeys(now: now)
    }

    @Test("A lifetime sets expiryOn that long after issue (whole seconds) and refreshAfter halfway")
    func lifetime() throws {
        let issuedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start, lifetime: .seconds(8 * 3600))
        #expect(token.expiryOn == issuedAt.addingTimeInterval(8 * 3600))
        #expect(token.refreshAfter == issuedAt.addingTimeInterval(4 * 3600))
        let claims = try #require(Self.claims(of: token.accessToken))
        #expect(claims["exp"] as? Int == 1_800_000_000 + 8 * 3600)
        #expect(claims["iat"] as? Int == 1_800_000_000)
        // The default stays the service tokens' hour.
        let service = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start)
        #expect(service.expiryOn == issuedAt.addingTimeInterval(3600))
        #expect(service.refreshAfter == issuedAt.addingTimeInterval(1800))
    }

    @Test("An SDK token carries the SDK audience and verifies until its hours have passed", arguments: [1, 8, 168])
    func sdkTokenLifetime(hours: Int) throws {
        let token = try SDKTokens.issue(hours: hours, keys: keys, now: start)
        let expiry = Date(timeIntervalSince1970: 1_800_000_000 + Double(hours) * 3600)
        #expect(token.expiryOn == expiry)
        #expect(Self.claims(of: token.accessToken)?["aud"] as? String == SDKTokens.audience)
        let keys = try keySet(at: start)
        #expect(SDKTokens.rejection(of: token.accessToken, keys: keys, now: start) == nil)
        #expect(SDKTokens.rejection(of: token.accessToken, keys: keys, now: expiry.addingTimeInterval(-1)) == nil)
        #expect(SDKTokens.rejection(of: token.accessToken, keys: keys, now: expiry) == .expired)
    }

    @Test("No deployment (service or endpoint version) can be named like the SDK audience")
    func audienceIsNoName() {
        #expect(!NameKind.isValidDeploymentName(SDKTokens.audience))
        #expect(!NameKind.endpoint.isValid(SDKTokens.audience))
    }

    @Test("A service token is not an SDK token, even when expired; an SDK token scores no service")
    func audiencesStayApart() throws {
        let keys = try keySet(at: start)
        let service = try AccessTokenIssuer.issue(audience: "svc-a", keys: self.keys, now: start).accessToken
        #expect(SDKTokens.rejection(of: service, keys: keys, now: start)?.code == "token_wrong_audience")
        let later = start.addingTimeInterval(7200)
        #expect(SDKTokens.rejection(of: service, keys: keys, now: later)?.code == "token_wrong_audience")
        let sdk = try SDKTokens.issue(hours: 8, keys: self.keys, now: start).accessToken
        #expect(TokenVerifier(keys: keys).verify(sdk, audience: "svc-a", now: start)?.code == "token_wrong_audience")
    }

    @Test("Another workspace's token, a changed claim or signature, and non-JWTs are refused")
    func forgeries() throws {
        let keys = try keySet(at: start)
        let foreign = try SDKTokens.issue(hours: 8, keys: .generate(now: start), now: start).accessToken
        #expect(SDKTokens.rejection(of: foreign, keys: keys, now: start)?.code == "token_unknown_key")

        let parts = try SDKTokens.issue(hours: 1, keys: self.keys, now: start).accessToken.split(separator: ".")
            .map(String.init)
        let payload = try #require(Data(base64URL: parts[1]))
        let longer = String(decoding: payload, as: UTF8.self)
            .replacingOccurrences(of: "\(1_800_000_000 + 3600)", with: "\(1_800_000_000 + 168 * 3600)")
        let extended = parts[0] + "." + Data(longer.utf8).base64URL + "." + parts[2]
        #expect(SDKTokens.rejection(of: extended, keys: keys, now: start)?.code == "token_bad_signature")

        for garbage in ["", "admin-token-like-string", "a.b.c"] {
            #expect(SDKTokens.rejection(of: garbage, keys: keys, now: start)?.code == "token_malformed")
        }
    }

    @Test("After a key rotation an SDK token works while the old key is kept, then stops")
    func rotation() throws {
        var keys = self.keys
        let token = try SDKTokens.issue(hours: 168, keys: keys, now: start).accessToken
        let rotatedAt = start.addingTimeInterval(600)
        let retired = try keys.rotate(now: rotatedAt)
        #expect(SDKTokens.rejection(of: token, keys: try keys.verificationKeys(now: rotatedAt), now: rotatedAt) == nil)
        let after = retired.validUntil
        #expect(
            SDKTokens.rejection(of: token, keys: try keys.verificationKeys(now: after), now: after)?.code
                == "token_unknown_key")
    }

    @Test("A request's hours default to 8 and must be 1–168, naming the field")
    func requestedHours() throws {
        #expect(try SDKTokenRequest().validatedHours() == 8)
        #expect(try SDKTokenRequest(hours: 1).validatedHours() == 1)
        #expect(try SDKTokenRequest(hours: 168).validatedHours() == 168)
        for hours in [0, -1, 169, Int.max] {
            let error = #expect(throws: BerthError.self) { try SDKTokenRequest(hours: hours).validatedHours() }
            #expect(error?.code == .badRequest)
            #expect(error?.message.contains("'hours' (\(hours))") == true)
        }
    }

    @Test("Printing or dumping SDK credentials leaves the token out")
    func credentialsHideTheToken() throws {
        let token = try SDKTokens.issue(hours: 8, keys: keys, now: start)
        let credentials = SDKCredentials(token: token, identity: AzureWorkspaceIdentity())
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), dumped] {
            #expect(!text.contains(token.accessToken))
            #expect(!text.contains(String(token.accessToken.split(separator: ".")[2])))
        }
    }

    /// The payload of a compact JWT, decoded without checking it (as the Azure SDK does).
    static func claims(of token: String) -> [String: Any]? {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let data = Data(base64URL: String(parts[1])) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
