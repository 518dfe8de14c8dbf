internal import BerthAPITypes
import BerthCore
import Crypto
public import Foundation
import NIOCore
internal import OpenAPIRuntime
import Synchronization

/// Moving model bytes: uploads stream a file into the artifact store and check the digest the
/// server computed against the one computed while reading; downloads stream into a temporary
/// file, check the digest, then rename into place. Both go through the generated client, whose
/// bodies are streams: a file is read and sent 1 MiB at a time, never held whole.
extension ControlPlaneClient {
    /// Uploads one file; returns where the store keeps it.
    public func uploadArtifact(at url: URL) async throws -> ArtifactUploadResult {
        let size = try Self.fileSize(url)
        let chunks = try FileChunks(url: url)
        var client = self
        client.timeout = .hours(2)
        let result: ArtifactUploadResult = try await client.call {
            try await $0.uploadArtifact(
                body: .binary(HTTPBody(chunks, length: .known(size), iterationBehavior: .single))
            )
            .created.body.json
        }.converted()
        let local = chunks.digest()
        guard result.digest == local, result.sizeBytes == size else {
            throw BerthError(
                .internalError,
                "The server stored '\(url.lastPathComponent)' as \(result.digest) (\(result.sizeBytes) bytes) but the file is \(local) (\(size) bytes); it changed during the upload. Retry."
            )
        }
        return result
    }

    /// Downloads an artifact to `destination`, checking its digest; nothing is left at
    /// `destination` unless the bytes match.
    public func downloadArtifact(_ file: ArtifactFile, to destination: URL) async throws {
        var client = self
        client.timeout = .hours(2)
        try await client.call { api in
            let body = try await api.downloadArtifact(path: .init(digest: file.digest)).ok.body.binary
            try await Self.write(body, of: file, to: destination)
        }
    }

    /// Streams `body` into a temporary file beside `destination`, then renames it into place if
    /// its digest is `file`'s.
    private static func write(_ body: HTTPBody, of file: ArtifactFile, to destination: URL) async throws {
        let manager = FileManager.default
        try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).berth-download")
        guard manager.createFile(atPath: temporary.path, contents: nil) else {
            throw BerthError.badRequest("Cannot write into '\(destination.deletingLastPathComponent().path)'.")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        var hasher = SHA256()
        do {
            for try await chunk in body {
                hasher.update(data: chunk)
                try handle.write(contentsOf: chunk)
            }
            try handle.close()
        } catch {
            try? handle.close()
            try? manager.removeItem(at: temporary)
            throw error
        }
        let digest = "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
        guard digest == file.digest else {
            try? manager.removeItem(at: temporary)
            throw BerthError(
                .internalError,
                "Downloaded '\(file.path)' hashes to \(digest), not \(file.digest); the download was damaged. Retry.")
        }
        if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
        try manager.moveItem(at: temporary, to: destination)
    }

    static func fileSize(_ url: URL) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// A file read in 1 MiB chunks, hashing what it reads, for streaming uploads.
final class FileChunks: AsyncSequence, Sendable {
    typealias Element = ArraySlice<UInt8>
    private let state: LockedHasher
    private let handle: FileHandle

    init(url: URL) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw BerthError.badRequest("Cannot read '\(url.path)': check that it exists and is readable.")
        }
        self.handle = handle
        state = LockedHasher()
    }

    /// The SHA-256 of all bytes read so far, as `sha256:<hex>`.
    func digest() -> String { state.digest() }

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunks: FileChunks

        mutating func next() async throws -> ArraySlice<UInt8>? {
            guard let data = try chunks.handle.read(upToCount: 1 << 20), !data.isEmpty else {
                try? chunks.handle.close()
                return nil
            }
            chunks.state.update(data)
            return ArraySlice(data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}

/// A SHA-256 hasher behind a `Mutex`, so the upload sequence stays `Sendable`.
final class LockedHasher: Sendable {
    private let hasher = Mutex(SHA256())

    func update(_ data: Data) {
        hasher.withLock { $0.update(data: data) }
    }

    func digest() -> String {
        hasher.withLock { "sha256:" + $0.finalize().map { String(format: "%02x", $0) }.joined() }
    }
}
