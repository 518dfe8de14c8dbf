import BerthAuth
import BerthCore
import Foundation
import Testing

@testable import BerthRouter

/// The router's verified-token cache never changes an answer: expiry and audience are checked on
/// every use, and a key change forgets every token.
@Suite struct TokenKeyringTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("A cached token still expires, still has one audience, and a bad token is never cached")
    func cacheKeepsTheRules() throws {
        let keys = SigningKeySet.generate(now: start)
        let ring = TokenKeyring()
        ring.update(try keys.verificationKeys(now: start))
        let token = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: start)

        #expect(ring.verify(token.accessToken, audience: "svc", now: start) == nil)
        #expect(ring.cachedCount == 1)
        #expect(ring.verify(token.accessToken, audience: "svc", now: start.addingTimeInterval(60)) == nil)
        #expect(ring.verify(token.accessToken, audience: "other", now: start)?.code == "token_wrong_audience")
        #expect(ring.verify(token.accessToken, audience: "svc", now: token.expiryOn)?.code == "token_expired")

        var tampered = Array(token.accessToken.utf8)
        tampered[tampered.count - 3] ^= 0x01
        let forged = String(decoding: tampered, as: UTF8.self)
        #expect(ring.verify(forged, audience: "svc", now: start) != nil)
        #expect(ring.cachedCount == 1)
    }

    @Test("When the keys change the cache is emptied, so a dropped key's tokens are refused at once")
    func keyChangeForgets() throws {
        var keys = SigningKeySet.generate(now: start)
        let ring = TokenKeyring()
        ring.update(try keys.verificationKeys(now: start))
        let old = try AccessTokenIssuer.issue(audience: "svc", keys: keys, now: start).accessToken
        #expect(ring.verify(old, audience: "svc", now: start) == nil)
        try keys.rotate(now: start)
        let later = start.addingTimeInterval(3601)
        ring.update(try keys.verificationKeys(now: later))
        #expect(ring.cachedCount == 0)
        #expect(ring.verify(old, audience: "svc", now: start)?.code == "token_unknown_key")
    }
}
