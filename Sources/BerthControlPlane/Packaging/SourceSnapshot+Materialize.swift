import BerthCore
import BerthStore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SourceSnapshot {
    /// Lays the snapshot's files out in `folder` as read-only copies (0444, or 0555 when
    /// executable), so replicas run from an immutable copy and never from the user's live folder.
    ///
    /// The files are written into a temporary sibling folder and renamed into place, so `folder`
    /// either does not exist or is complete. Key `folder` by the snapshot's digest: when it
    /// already exists (an earlier deploy, or a concurrent one that won the rename), it is kept as
    /// it is and the result is `false`. Folders stay writable by the owner so the copy can be
    /// deleted later.
    @discardableResult
    package func materialize(into folder: URL, from artifacts: any ArtifactStore) async throws -> Bool {
        let snapshot = self
        return try await offloaded { try snapshot.materializeBlocking(into: folder, from: artifacts) }
    }

    /// The synchronous body of `materialize(into:from:)`.
    @discardableResult
    package func materializeBlocking(into folder: URL, from artifacts: any ArtifactStore) throws -> Bool {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder.path) { return false }
        let parent = folder.deletingLastPathComponent()
        try manager.createDirectory(at: parent, withIntermediateDirectories: true)
        let staging = parent.appendingPathComponent(".\(folder.lastPathComponent).tmp-\(UUID().uuidString.prefix(8))")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: true)
            for file in manifest.files {
                try write(file, under: staging, from: artifacts)
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        guard rename(staging.path, folder.path) == 0 else {
            let code = errno
            try? manager.removeItem(at: staging)
            if code == EEXIST || code == ENOTEMPTY { return false }
            throw BerthError(
                .internalError,
                "Cannot move the source snapshot into '\(folder.path)': \(String(cString: strerror(code))).")
        }
        return true
    }

    private func write(_ file: SourceManifest.Entry, under staging: URL, from artifacts: any ArtifactStore) throws {
        try ArtifactFile.validate(path: file.path)
        guard let blob = artifacts.location(of: file.digest) else {
            throw BerthError(
                .internalError,
                "The artifact store lacks \(file.digest) for '\(file.path)' of source snapshot \(digest); deploy again.")
        }
        let manager = FileManager.default
        let target = staging.appendingPathComponent(file.path)
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try manager.copyItem(at: blob, to: target)
        let size = (try manager.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value
        guard size == file.sizeBytes else {
            throw BerthError(
                .internalError,
                "The stored copy of '\(file.path)' (\(file.digest)) has \(size ?? -1) bytes, not \(file.sizeBytes); "
                    + "the artifact store is damaged.")
        }
        guard chmod(target.path, file.isExecutable ? 0o555 : 0o444) == 0 else {
            throw BerthError(.internalError, "Cannot make '\(target.path)' read-only: \(String(cString: strerror(errno))).")
        }
    }
}
