import AsyncHTTPClient
import BerthCore
import Crypto
import Foundation
import NIOCore

/// Moving model bytes: uploads stream a file into the artifact store and check the digest the
/// server computed against the one computed while reading; downloads stream into a temporary
/// file, check the digest, then rename into place.
extension ControlPlaneClient {
    /// Uploads one file; returns where the store keeps it.
    public func uploadArtifact(at url: URL) async throws -> ArtifactUploadResult {
        let size = try Self.fileSize(url)
        let chunks = try FileChunks(url: url)
        var request = HTTPClientRequest(url: baseURL + "/api/v1/artifacts")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(chunks, length: .known(size))
        var client = self
        client.timeout = .hours(2)
        let (data, _) = try await client.execute(request)
        let result = try BerthJSON.decode(ArtifactUploadResult.self, from: data, what: "upload answer")
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
        var request = HTTPClientRequest(url: baseURL + "/api/v1/artifacts/\(Self.escape(file.digest))")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await http.execute(request, timeout: .hours(2))
        guard response.status.code == 200 else {
            let body = try await response.body.collect(upTo: 1 << 20)
            throw Self.error(status: Int(response.status.code), body: Data(buffer: body))
        }
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
            for try await buffer in response.body {
                buffer.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                try handle.write(contentsOf: Data(buffer: buffer))
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
                .internalError, "Downloaded '\(file.path)' hashes to \(digest), not \(file.digest); the download was damaged. Retry.")
        }
        if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
        try manager.moveItem(at: temporary, to: destination)
    }

    static func fileSize(_ url: URL) throws -> Int64 {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// A file read as 1 MiB `ByteBuffer`s, hashing what it reads, for streaming uploads.
final class FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
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

        mutating func next() async throws -> ByteBuffer? {
            guard let data = try chunks.handle.read(upToCount: 1 << 20), !data.isEmpty else {
                try? chunks.handle.close()
                return nil
            }
            chunks.state.update(data)
            return ByteBuffer(data: data)
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
}

import Synchronization

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
