import BerthCore
import BerthStore
import Foundation

/// An immutable copy of a deployment's source folder in the artifact store: replicas run from it,
/// never from the user's live folder, and the same bytes can reach a Kubernetes Pod later.
///
/// The manifest is itself stored as a blob, so `digest` both identifies the snapshot and finds it
/// again with `SourceSnapshot.load(digest:from:)`. The same files (paths, bytes, executable bits)
/// always give the same digest, whatever the folder is called or when it was packaged.
package struct SourceSnapshot: Sendable, Hashable {
    /// `sha256:<hex>` of the manifest's canonical JSON: the snapshot's identity.
    package var digest: String
    /// What the snapshot holds.
    package var manifest: SourceManifest
    /// The ignore file that applied (`.amlignore` or `.gitignore`), nil when the folder had none.
    /// Not part of the identity; known only right after packaging.
    package var ignoreFile: String?

    /// Number of files.
    package var fileCount: Int { manifest.files.count }
    /// Sum of the files' sizes.
    package var totalBytes: Int64 { manifest.files.reduce(0) { $0 + $1.sizeBytes } }

    /// The deploy log's line: "Packaged 4 files (2.1 KB) from the source directory, leaving out
    /// what .amlignore lists (snapshot sha256:…)".
    package var summary: String {
        let files = fileCount == 1 ? "1 file" : "\(fileCount) files"
        let bytes = ByteCountFormatter.string(fromByteCount: totalBytes, countStyle: .file)
        let ignore = ignoreFile.map { ", leaving out what \($0) lists" } ?? " (no .amlignore or .gitignore)"
        return "Packaged \(files) (\(bytes)) from the source directory\(ignore); snapshot \(digest)"
    }

    /// Reads a stored snapshot back by digest, e.g. when a replica starts after a server restart.
    package static func load(digest: String, from artifacts: any ArtifactStore) throws -> SourceSnapshot {
        guard let url = artifacts.location(of: digest) else {
            throw BerthError.notFound("Source snapshot \(digest) is not in the artifact store; deploy the service again.")
        }
        let manifest: SourceManifest
        do {
            manifest = try JSONDecoder().decode(SourceManifest.self, from: Data(contentsOf: url))
        } catch {
            throw BerthError(.internalError, "Source snapshot \(digest) cannot be read: \(error).")
        }
        return SourceSnapshot(digest: digest, manifest: manifest, ignoreFile: nil)
    }
}

/// The list of files of a source snapshot, stored as canonical JSON (sorted keys, files sorted by
/// path) so its digest depends on content only.
package struct SourceManifest: Codable, Sendable, Hashable {
    /// One file: where it goes, which blob holds it, and whether it is executable.
    package struct Entry: Codable, Sendable, Hashable {
        /// Path relative to the source folder, `/`-separated.
        package var path: String
        /// `sha256:<hex>` of the bytes, a blob in the artifact store.
        package var digest: String
        package var sizeBytes: Int64
        /// Whether the owner's execute bit was set; other mode bits are not kept.
        package var isExecutable: Bool

        package init(path: String, digest: String, sizeBytes: Int64, isExecutable: Bool) {
            self.path = path
            self.digest = digest
            self.sizeBytes = sizeBytes
            self.isExecutable = isExecutable
        }
    }

    /// Bumped if the manifest's meaning changes, so old and new snapshots never share a digest.
    package var formatVersion: Int
    /// Sorted by `path`.
    package var files: [Entry]

    package init(files: [Entry]) {
        formatVersion = 1
        self.files = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// The bytes that are stored and hashed.
    func canonicalData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
