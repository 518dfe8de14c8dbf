import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import Testing

/// The signing key on disk: made once with mode 0600, read back the same, rotation persisted.
@Suite struct SigningKeyFileTests {
    @Test("The key file is created 0600, reloads to the same key, and keeps a rotation")
    func createReloadRotate() throws {
        let folder = try TemporaryDirectory("berth-signing")
        defer { folder.remove() }
        let file = SigningKeyFile(url: folder.appending("signing-keys.json"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var keys = try file.loadOrCreate(now: now)
        let mode = try FileManager.default.attributesOfItem(atPath: file.url.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try file.loadOrCreate(now: now) == keys)

        try keys.rotate(now: now)
        try file.save(keys)
        let reloaded = try file.loadOrCreate(now: now)
        #expect(reloaded.current.kid == keys.current.kid)
        #expect(reloaded.retired.count == 1)
        let token = try AccessTokenIssuer.issue(audience: "svc", keys: reloaded, now: now)
        #expect(TokenVerifier(keys: try keys.verificationKeys(now: now)).verify(token.accessToken, audience: "svc", now: now) == nil)
    }

    @Test("A damaged key file is an error that says what to do, not a new key behind the user's back")
    func damaged() throws {
        let folder = try TemporaryDirectory("berth-signing")
        defer { folder.remove() }
        let url = try folder.write(Data("{not json".utf8), to: "signing-keys.json")
        #expect(throws: BerthError.self) { try SigningKeyFile(url: url).loadOrCreate(now: Date()) }
    }
}
