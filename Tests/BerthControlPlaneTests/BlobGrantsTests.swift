import BerthAuth
import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// SAS URLs of the blob facade: a URL authorizes exactly the blob, permissions and time it was
/// signed for; anything else is Azure's 403.
struct BlobGrantsTests {
    let grants = BlobGrants(
        signer: MessageSigner(key: Array(repeating: 1, count: MessageSigner.keyBytes)),
        identity: AzureWorkspaceIdentity())
    let name = "LocalUpload/261207T014732-9f2ea0fe/model a.pkl"

    private func uri(permissions: String = "rcw", expiresAt: Date = Date().addingTimeInterval(600)) -> String {
        grants.contentURI(container: "azureml", name: name, permissions: permissions, expiresAt: expiresAt)
    }

    /// The Azure error code `authorize` throws, or "ok".
    private func outcome(
        _ uri: String, path: String? = nil, anyOf permissions: String = "cw", now: Date = Date()
    ) -> String {
        do {
            let candidates = try BlobAddress.candidates(
                fromPath: path ?? BlobFixture.pathAndQuery(uri).prefix { $0 != "?" }.description)
            _ = try grants.authorize(
                BlobFixture.query(of: uri), candidates: candidates, anyOf: permissions, operation: "Put Blob", now: now)
            return "ok"
        } catch {
            return error.code.rawValue
        }
    }

    @Test func contentURINamesTheBlobHostAndEscapesTheName() throws {
        let expiry = Date(timeIntervalSince1970: 1_796_000_000)
        let uri = uri(expiresAt: expiry)
        #expect(
            uri.hasPrefix(
                "https://berthstore.blob.berth.local/azureml/LocalUpload/261207T014732-9f2ea0fe/model%20a.pkl?sv=2021-08-06&sr=b&sp=rcw&se=2026-11-30T00%3A53%3A20Z&sig="
            ))
        let query = BlobFixture.query(of: uri)
        #expect(query["se"] == BlobGrants.format(expiry))
        #expect(Data(base64Encoded: query["sig"] ?? "")?.count == 32)
        #expect(outcome(uri, now: expiry.addingTimeInterval(-1)) == "ok")
    }

    @Test func refusesTamperedExpiredOtherPathAndMissingPermission() {
        let good = uri()
        #expect(outcome(good) == "ok")
        // One signature character changed.
        let sig = BlobFixture.query(of: good)["sig"]!
        let flipped = (sig.first == "A" ? "B" : "A") + sig.dropFirst()
        let tampered = good.replacingOccurrences(
            of: "sig=" + BlobAddress.escaped(sig), with: "sig=" + BlobAddress.escaped(String(flipped)))
        #expect(tampered != good)
        #expect(outcome(tampered) == "AuthenticationFailed")
        // The permissions widened by hand.
        #expect(
            outcome(uri(permissions: "r").replacingOccurrences(of: "sp=r", with: "sp=rcw")) == "AuthenticationFailed")
        #expect(outcome(uri(expiresAt: Date().addingTimeInterval(-1))) == "AuthenticationFailed")
        #expect(outcome(good, path: "/azureml/LocalUpload/261207T014732-9f2ea0fe/other.pkl") == "AuthenticationFailed")
        #expect(
            outcome(good, path: "/otherbox/LocalUpload/261207T014732-9f2ea0fe/model%20a.pkl") == "AuthenticationFailed")
        #expect(outcome(uri(permissions: "r")) == "AuthorizationPermissionMismatch")
        #expect(outcome(uri(permissions: "r"), anyOf: "r") == "ok")
        #expect(
            outcome("https://berthstore.blob.berth.local/azureml/x?sv=2021-08-06", path: "/azureml/x")
                == "AuthenticationFailed")
    }

    @Test func acceptsTheNameEscapedTwiceAsAzureMLsUploadHelperSendsIt() {
        let good = uri()
        #expect(outcome(good, path: "/azureml/LocalUpload/261207T014732-9f2ea0fe/model%2520a.pkl") == "ok")
    }

    @Test func theWorkspaceKeyIsMadeOnceWithMode0600() throws {
        let scratch = try Scratch("berth-blob-key")
        defer { scratch.cleanUp() }
        let layout = WorkspaceLayout(root: scratch.root)
        let identity = AzureWorkspaceIdentity()
        let first = try BlobGrants(workspace: layout, identity: identity)
        let second = try BlobGrants(workspace: layout, identity: identity)
        let attributes = try FileManager.default.attributesOfItem(atPath: layout.blobKeyFile.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let uri = first.contentURI(container: "azureml", name: "m.pkl", permissions: "r", expiresAt: Date() + 60)
        let address = try second.authorize(
            BlobFixture.query(of: uri), candidates: BlobAddress.candidates(fromPath: "/azureml/m.pkl"), anyOf: "r",
            operation: "Get Blob")
        #expect(address == BlobAddress(container: "azureml", name: "m.pkl"))
    }
}
