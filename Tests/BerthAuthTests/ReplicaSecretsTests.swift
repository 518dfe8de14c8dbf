import BerthAuth
import BerthCore
import BerthTesting
import Foundation
import Testing

/// The replica secrets of Kubernetes deployments: derived from the workspace's replica key, the
/// same for a service every time, different between services and between workspaces.
@Suite struct ReplicaSecretsTests {
    @Test("The secret is HMAC-SHA256(key, 'replica:' + service) in lowercase hex")
    func knownValue() {
        let secrets = ReplicaSecrets(key: Array(0..<32))
        #expect(
            secrets.secret(forService: "fraud-v2")
                == "e95b3c1d6bf109348196ff22f590603488950fad833ca4537ba961e26f9a4cc6")
    }

    @Test("A service's secret is the same every time, and differs between services and between workspaces")
    func deterministicPerServiceAndWorkspace() throws {
        let one = try TemporaryDirectory("berth-replica-key")
        let two = try TemporaryDirectory("berth-replica-key")
        defer {
            one.remove()
            two.remove()
        }
        let first = try ReplicaSecrets(workspace: WorkspaceLayout(root: one.url))
        let again = try ReplicaSecrets(workspace: WorkspaceLayout(root: one.url))
        let other = try ReplicaSecrets(workspace: WorkspaceLayout(root: two.url))
        let secret = first.secret(forService: "diabetes")
        #expect(secret.count == 64)
        #expect(secret.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(first.secret(forService: "diabetes") == secret)
        #expect(again.secret(forService: "diabetes") == secret, "read back from the key file")
        #expect(first.secret(forService: "diabetes-2") != secret)
        #expect(first.secret(forService: "ep--blue") != first.secret(forService: "ep--green"))
        #expect(other.secret(forService: "diabetes") != secret, "another workspace, another key")
    }

    @Test("The key file is made with mode 0600 and holds 32 random bytes")
    func keyFile() throws {
        let folder = try TemporaryDirectory("berth-replica-key")
        defer { folder.remove() }
        let layout = WorkspaceLayout(root: folder.url)
        _ = try ReplicaSecrets(workspace: layout)
        let mode =
            try FileManager.default.attributesOfItem(atPath: layout.replicaKeyFile.path)[.posixPermissions]
            as? NSNumber
        #expect(mode?.intValue == 0o600)
        let text = try String(contentsOf: layout.replicaKeyFile, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(text.count == 43, "base64url of 32 bytes, without padding")
    }

    @Test("A key file that holds no key is an error that says what to do, not a new key behind the user's back")
    func damaged() throws {
        let folder = try TemporaryDirectory("berth-replica-key")
        defer { folder.remove() }
        let url = try folder.write(Data("not a key\n".utf8), to: "replica-key")
        let error = #expect(throws: BerthError.self) { try ReplicaSecrets(file: url) }
        #expect(error?.message.contains("move it away") == true)
        #expect(try String(contentsOf: url, encoding: .utf8) == "not a key\n", "left as it was")
    }
}
