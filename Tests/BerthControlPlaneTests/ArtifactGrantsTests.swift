import Foundation
import Testing

@testable import BerthControlPlane

/// The artifact tokens of Kubernetes Pods: each reads its deployment's files and sends its
/// request telemetry, and nothing else, survives a restart of the control plane, and dies with its deployment.
struct ArtifactGrantsTests {
    static let a1 = "sha256:" + String(repeating: "a", count: 64)
    static let a2 = "sha256:" + String(repeating: "c", count: 64)
    static let b1 = "sha256:" + String(repeating: "b", count: 64)

    static func read(_ digest: String) -> String { "/api/v1/artifacts/\(digest)" }

    @Test("A token reads its deployment's artifacts only; other routes, methods and deployments are refused")
    func scope() throws {
        let scratch = try Scratch()
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        let grants = try ArtifactGrants(file: scratch.root.appendingPathComponent("grants.json"))
        let a = try grants.mint(deployment: "alpha", artifacts: [Self.a1])
        let b = try grants.mint(deployment: "beta", artifacts: [Self.b1])
        #expect(a != b)
        #expect(grants.decision(token: a, method: "GET", path: Self.read(Self.a1)) == .allowed)
        #expect(
            grants.decision(
                token: a, method: "GET", path: "/api/v1/artifacts/sha256%3A" + String(repeating: "a", count: 64))
                == .allowed)
        #expect(grants.decision(token: a, method: "GET", path: Self.read(Self.b1)) == .refused(deployment: "alpha"))
        #expect(grants.decision(token: b, method: "GET", path: Self.read(Self.a1)) == .refused(deployment: "beta"))
        #expect(grants.decision(token: a, method: "POST", path: "/api/v1/artifacts") == .refused(deployment: "alpha"))
        #expect(grants.decision(token: a, method: "DELETE", path: Self.read(Self.a1)) == .refused(deployment: "alpha"))
        #expect(grants.decision(token: a, method: "GET", path: "/api/v1/models") == .refused(deployment: "alpha"))
        #expect(
            grants.decision(token: a, method: "GET", path: Self.read(Self.a1) + "/x") == .refused(deployment: "alpha"))
        // Its deployment's request telemetry, sent, and nobody else's; not read back.
        #expect(grants.decision(token: a, method: "POST", path: "/api/v1/services/alpha/telemetry") == .allowed)
        #expect(
            grants.decision(token: a, method: "POST", path: "/api/v1/services/beta/telemetry")
                == .refused(deployment: "alpha"))
        #expect(
            grants.decision(token: a, method: "GET", path: "/api/v1/services/alpha/telemetry")
                == .refused(deployment: "alpha"))
        #expect(
            grants.decision(token: a, method: "POST", path: "/api/v1/services/alpha/telemetry/x")
                == .refused(deployment: "alpha"))
        #expect(grants.decision(token: "guess", method: "GET", path: Self.read(Self.a1)) == .unknownToken)
        #expect(grants.decision(token: a + "x", method: "GET", path: Self.read(Self.a1)) == .unknownToken)
    }

    @Test(
        "Only digests are stored, mode 0600; they survive a restart; a new revision keeps the one before; delete revokes"
    )
    func lifecycle() throws {
        let scratch = try Scratch()
        defer { try? FileManager.default.removeItem(at: scratch.root) }
        let file = scratch.root.appendingPathComponent("grants.json")
        let grants = try ArtifactGrants(file: file)
        let first = try grants.mint(deployment: "alpha", artifacts: [Self.a1])
        let other = try grants.mint(deployment: "beta", artifacts: [Self.b1])

        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains(first) && !text.contains(other))
        let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let restarted = try ArtifactGrants(file: file)
        #expect(restarted.decision(token: first, method: "GET", path: Self.read(Self.a1)) == .allowed)

        // A rolling update: the old Pods' token still reads the old files, the new one the new.
        let second = try restarted.mint(deployment: "alpha", artifacts: [Self.a2])
        #expect(restarted.decision(token: first, method: "GET", path: Self.read(Self.a1)) == .allowed)
        #expect(restarted.decision(token: second, method: "GET", path: Self.read(Self.a2)) == .allowed)
        #expect(
            restarted.decision(token: second, method: "GET", path: Self.read(Self.a1)) == .refused(deployment: "alpha"))
        // Two revisions later the first token is gone.
        _ = try restarted.mint(deployment: "alpha", artifacts: [Self.a2])
        #expect(restarted.decision(token: first, method: "GET", path: Self.read(Self.a1)) == .unknownToken)

        try restarted.revoke(deployment: "alpha")
        #expect(restarted.decision(token: second, method: "GET", path: Self.read(Self.a2)) == .unknownToken)
        #expect(restarted.decision(token: other, method: "GET", path: Self.read(Self.b1)) == .allowed)
        #expect(
            try ArtifactGrants(file: file).decision(token: second, method: "GET", path: Self.read(Self.a2))
                == .unknownToken)
    }
}
