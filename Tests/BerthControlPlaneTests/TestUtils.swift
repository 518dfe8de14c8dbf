import BerthStore
import BerthTesting
import Foundation

/// A temporary folder tree for one test, removed by `cleanUp()`.
struct Scratch {
    let root: URL

    init(_ prefix: String = "berth-cp") throws {
        root = try TestPaths.makeTemporaryDirectory(prefix)
    }

    /// Writes `text` at `path` (relative to `base`, default `root`), creating folders.
    @discardableResult
    func write(_ path: String, _ text: String, in base: URL? = nil, executable: Bool = false) throws -> URL {
        let url = (base ?? root).appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path) }
        return url
    }

    func folder(_ name: String) throws -> URL {
        let url = root.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func artifactStore() throws -> FileArtifactStore {
        try FileArtifactStore(root: root.appendingPathComponent("artifacts"))
    }

    /// Removes the tree, first making read-only files writable again.
    func cleanUp() {
        if let walker = FileManager.default.enumerator(atPath: root.path) {
            for case let path as String in walker {
                try? FileManager.default.setAttributes(
                    [.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent(path).path)
            }
        }
        try? FileManager.default.removeItem(at: root)
    }
}
