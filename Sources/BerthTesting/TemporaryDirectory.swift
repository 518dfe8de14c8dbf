import Foundation

/// A fresh folder under the system's temporary directory, owned by one test.
///
/// Tests create one per case (never a shared folder) and call `remove()` when done, typically with
/// `defer`, so parallel tests never see each other's files.
package struct TemporaryDirectory: Sendable {
    /// The folder; it exists until `remove()`.
    package let url: URL

    /// Creates the folder, named `<prefix>-<random>`.
    package init(_ prefix: String = "berth-test") throws {
        url = try TestPaths.makeTemporaryDirectory(prefix)
    }

    /// A path inside the folder (not created).
    package func appending(_ path: String) -> URL {
        url.appendingPathComponent(path)
    }

    /// Writes `contents` to `path` inside the folder, creating intermediate folders; returns the file's URL.
    @discardableResult
    package func write(_ contents: Data, to path: String) throws -> URL {
        let file = appending(path)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(),
            withIntermediateDirectories: true
        )
        try contents.write(to: file)
        return file
    }

    /// Deletes the folder and everything in it; errors are ignored (the OS cleans `/tmp` eventually).
    package func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension FileManager {
    /// Every regular file under `root`, as paths relative to it, sorted.
    package func relativeFilePaths(under root: URL) -> [String] {
        let base = root.resolvingSymlinksInPath().path
        guard let enumerator = enumerator(at: root.resolvingSymlinksInPath(), includingPropertiesForKeys: nil) else {
            return []
        }
        var paths: [String] = []
        for case let url as URL in enumerator {
            var isDirectory: ObjCBool = false
            let full = url.resolvingSymlinksInPath().path
            guard fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            paths.append(String(full.dropFirst(base.count + 1)))
        }
        return paths.sorted()
    }
}
