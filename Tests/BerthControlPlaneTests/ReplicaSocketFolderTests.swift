import BerthBackends
import BerthTesting
import Foundation
import Testing

/// Where local replicas' Unix domain sockets go: a private folder, paths within the system's limit.
struct ReplicaSocketFolderTests {
    @Test func theWorkspaceFolderIsMadePrivate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let folder = try ReplicaSocketFolder.prepare(preferred: directory.appending("run/replicas"))
        #expect(folder.url.path == directory.appending("run/replicas").standardizedFileURL.path)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.url.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o700)
        let path = folder.socketPath(service: "svc", revision: "abc123", index: 0)
        #expect(path.hasPrefix(folder.url.path + "/") && path.hasSuffix(".sock"))
        #expect(path != folder.socketPath(service: "svc", revision: "def456", index: 0), "revisions never share one")
        #expect(path != folder.socketPath(service: "svc", revision: "abc123", index: 1))
        #expect(
            path != folder.socketPath(service: "svc", revision: "abc123", index: 0, start: 1),
            "a restarted replica never takes its crashed predecessor's socket")
    }

    @Test func aDeepWorkspaceGetsAShortFolderOfItsOwn() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let deep = directory.appending(String(repeating: "d", count: 90) + "/run/replicas")
        let folder = try ReplicaSocketFolder.prepare(preferred: deep)
        let path = folder.socketPath(service: String(repeating: "s", count: 32), revision: "r", index: 9)
        #expect(path.utf8.count <= 107, "\(path)")
        #expect(folder.url.path != deep.path)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.url.path)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o777 } == 0o700)
        #expect(try ReplicaSocketFolder.prepare(preferred: deep) == folder, "the same workspace, the same folder")
    }
}
