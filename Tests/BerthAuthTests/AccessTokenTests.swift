import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import Testing

/// Issue and verify with injected times: expiry, audience, tampering, unknown keys, rotation.
@Suite struct AccessTokenTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func verifier(_ keys: SigningKeySet, at now: Date) throws -> TokenVerifier {
        TokenVerifier(keys: try keys.verificationKeys(now: now))
    }

    @Test("A fresh token verifies for its audience; refreshAfter is 30 min and expiryOn 1 h after issue")
    func issueAndVerify() throws {
        let keys = SigningKeySet.generate(now: start)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start)
        #expect(token.tokenType == "Bearer")
        #expect(token.refreshAfter == start.addingTimeInterval(1800))
        #expect(token.expiryOn == start.addingTimeInterval(3600))
        #expect(token.accessToken.split(separator: ".").count == 3)
        #expect(try verifier(keys, at: start).verify(token.accessToken, audience: "svc-a", now: start) == nil)
    }

    @Test("A token is refused as expired from its expiryOn on, and accepted the second before")
    func expiry() throws {
        let keys = SigningKeySet.generate(now: start)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start)
        let check = try verifier(keys, at: start)
        #expect(check.verify(token.accessToken, audience: "svc-a", now: token.expiryOn.addingTimeInterval(-1)) == nil)
        #expect(check.verify(token.accessToken, audience: "svc-a", now: token.expiryOn)?.code == "token_expired")
        #expect(
            check.verify(token.accessToken, audience: "svc-a", now: token.expiryOn.addingTimeInterval(86400))?.code
                == "token_expired")
    }

    @Test("A token for one service is refused by another, and the reason does not echo the token")
    func wrongAudience() throws {
        let keys = SigningKeySet.generate(now: start)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start)
        let rejection = try #require(try verifier(keys, at: start).verify(token.accessToken, audience: "svc-b", now: start))
        #expect(rejection.code == "token_wrong_audience")
        #expect(!rejection.message.contains(token.accessToken))
        #expect(!rejection.message.contains(String(token.accessToken.split(separator: ".")[2])))
    }

    @Test("Changing a claim, the signature or the header breaks the token")
    func tampering() throws {
        let keys = SigningKeySet.generate(now: start)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start).accessToken
        let parts = token.split(separator: ".").map(String.init)
        let check = try verifier(keys, at: start)

        // Same signature, payload re-encoded with another audience.
        let payload = try #require(Data(base64URL: parts[1]))
        let forged = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "svc-a", with: "svc-b")
        let forgedToken = parts[0] + "." + Data(forged.utf8).base64URL + "." + parts[2]
        #expect(check.verify(forgedToken, audience: "svc-b", now: start)?.code == "token_bad_signature")

        // One signature byte flipped.
        var signature = try #require(Data(base64URL: parts[2]))
        signature[5] ^= 0x01
        #expect(
            check.verify(parts[0] + "." + parts[1] + "." + signature.base64URL, audience: "svc-a", now: start)?.code
                == "token_bad_signature")

        // alg none, a classic forgery.
        let none = Data(#"{"alg":"none","kid":"x"}"#.utf8).base64URL
        #expect(check.verify(none + "." + parts[1] + ".", audience: "svc-a", now: start)?.code == "token_unsupported_algorithm")

        #expect(check.verify("not-a-jwt", audience: "svc-a", now: start)?.code == "token_malformed")
        #expect(check.verify("a.b.c", audience: "svc-a", now: start)?.code == "token_malformed")
    }

    @Test("A token signed by another workspace's key is refused as an unknown key")
    func foreignKey() throws {
        let ours = SigningKeySet.generate(now: start)
        let theirs = SigningKeySet.generate(now: start)
        let token = try AccessTokenIssuer.issue(audience: "svc-a", keys: theirs, now: start)
        #expect(try verifier(ours, at: start).verify(token.accessToken, audience: "svc-a", now: start)?.code == "token_unknown_key")
    }

    @Test("After rotation old tokens verify until they expire, new ones use the new key, and the old key is then dropped")
    func rotation() throws {
        var keys = SigningKeySet.generate(now: start)
        let oldToken = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: start)
        let oldKid = keys.current.kid

        let rotatedAt = start.addingTimeInterval(600)
        let retired = try keys.rotate(now: rotatedAt)
        #expect(retired.kid == oldKid)
        #expect(keys.current.kid != oldKid)
        #expect(retired.validUntil == rotatedAt.addingTimeInterval(3600))
        let newToken = try AccessTokenIssuer.issue(audience: "svc-a", keys: keys, now: rotatedAt)

        let afterRotation = try verifier(keys, at: rotatedAt)
        #expect(afterRotation.verify(oldToken.accessToken, audience: "svc-a", now: rotatedAt) == nil)
        #expect(afterRotation.verify(newToken.accessToken, audience: "svc-a", now: rotatedAt) == nil)

        // Once every token of the old key has expired, the key leaves the published set.
        let later = retired.validUntil
        #expect(try keys.verificationKeys(now: later).map(\.kid) == [keys.current.kid])
        #expect(try verifier(keys, at: later).verify(oldToken.accessToken, audience: "svc-a", now: start)?.code == "token_unknown_key")

        // A second rotation keeps both earlier keys while their tokens may live.
        try keys.rotate(now: rotatedAt.addingTimeInterval(60))
        #expect(try keys.verificationKeys(now: rotatedAt.addingTimeInterval(60)).count == 3)
    }

    @Test("The published keys are public: they verify but hold no private key material")
    func publishedKeysArePublic() throws {
        let keys = SigningKeySet.generate(now: start)
        let encoded = String(decoding: try BerthJSON.encode(keys.verificationKeys(now: start)), as: UTF8.self)
        let stored = String(decoding: try BerthJSON.encode(keys), as: UTF8.self)
        #expect(stored.contains("privateKey"))
        #expect(!encoded.contains("privateKey"))
        #expect(try keys.verificationKeys(now: start).first?.kid == keys.current.kid)
    }
}

extension Data {
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if base64.count % 4 != 0 { base64 += String(repeating: "=", count: 4 - base64.count % 4) }
        self.init(base64Encoded: base64)
    }

    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
