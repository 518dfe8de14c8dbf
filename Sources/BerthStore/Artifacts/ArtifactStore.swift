import BerthCore
import Foundation

/// Content-addressed storage of model files and source snapshots, keyed by SHA-256.
///
/// A seam (STYLE.md §2.4): the local workspace keeps blobs on disk; other implementations may
/// keep them elsewhere.
public protocol ArtifactStore: Sendable {
    /// Starts an upload whose bytes are hashed as they arrive and published atomically on `finish()`.
    func beginUpload() throws -> any ArtifactUpload
    /// Whether a blob with this digest is stored.
    func contains(_ digest: String) -> Bool
    /// The file that holds a blob's bytes, for reading; nil when absent.
    func location(of digest: String) -> URL?
}

/// One upload in progress. `finish()` or `abort()` must be called exactly once.
public protocol ArtifactUpload: AnyObject {
    /// Appends bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Hashes, syncs and publishes the blob; returns its digest and size.
    ///
    /// When `expectedDigest` is given and the bytes hash to something else, nothing is published:
    /// the upload is discarded and a `BerthError.badRequest` says the bytes were damaged.
    func finish(expecting expectedDigest: String?) throws -> ArtifactUploadResult
    /// Discards what was written.
    func abort()
}

extension ArtifactUpload {
    /// Hashes, syncs and publishes the blob under whatever digest its bytes have.
    public func finish() throws -> ArtifactUploadResult {
        try finish(expecting: nil)
    }

    /// Appends the bytes of `data`.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }
}

extension ArtifactStore {
    /// Stores one local file and returns its digest and size.
    public func ingestFile(at url: URL) throws -> ArtifactUploadResult {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw BerthError.badRequest("Cannot read '\(url.path)': check that the file exists and is readable.")
        }
        defer { try? handle.close() }
        let upload = try beginUpload()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                try upload.write(chunk)
            }
            return try upload.finish()
        } catch {
            upload.abort()
            throw error
        }
    }

    /// Writes the files of a model or snapshot into `directory` (created if needed), checking each
    /// blob's presence first so a missing blob never leaves a half-written folder unnoticed.
    public func materialize(_ files: [ArtifactFile], into directory: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try ArtifactFile.validate(path: file.path)
            guard let source = location(of: file.digest) else {
                throw BerthError(
                    .internalError, "The artifact store lacks \(file.digest) for '\(file.path)'; re-register the model.")
            }
            let target = directory.appendingPathComponent(file.path)
            try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            if manager.fileExists(atPath: target.path) { try manager.removeItem(at: target) }
            try manager.copyItem(at: source, to: target)
        }
    }
}
