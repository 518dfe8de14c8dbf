import Crypto
import Foundation

/// The files of a folder with their SHA-256, as the init container fetches them: every file the
/// control plane laid out for a deployment (the model folder, the source snapshot) is a copy of
/// an artifact in the workspace's content-addressed store, so its digest is its address there.
public enum ArtifactFileList {
    /// Every regular file under `folder` (symbolic links followed), by relative path.
    ///
    /// Reads every byte: call it off the hot path (the deploy flow does, once per revision).
    public static func files(in folder: URL) throws -> [ReplicaWorkload.FetchedFile] {
        let root = folder.resolvingSymlinksInPath().standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [])
        else { return [] }
        var files: [ReplicaWorkload.FetchedFile] = []
        for case let url as URL in enumerator {
            let resolved = url.resolvingSymlinksInPath()
            guard (try? resolved.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let relative = url.standardizedFileURL.path.dropFirst(root.path.count).drop { $0 == "/" }
            files.append(.init(path: String(relative), digest: try digest(of: resolved)))
        }
        return files.sorted { $0.path < $1.path }
    }

    /// `sha256:<hex>` of a file, read in 1 MiB chunks.
    static func digest(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
