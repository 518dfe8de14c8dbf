import BerthStore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// How the blob protocol reads a request body: streamed to its destination piece by piece (never
/// whole in memory), counted against a limit, hashed on the way and checked against the
/// `Content-sha256` the client announced.
enum BlobBody {
    /// What a body turned out to be.
    struct Received {
        var size: Int64
        var sha256: [UInt8]
    }

    /// The SHA-256 announced in `Content-sha256` (base64), or nil when none was sent.
    ///
    /// - Throws: `BlobStorageError` 400 `InvalidHeaderValue` when it is not 32 bytes of base64.
    static func announcedSHA256(in headers: HTTPFields) throws(BlobStorageError) -> [UInt8]? {
        guard let text = headers[BlobHeader.contentSHA256] else { return nil }
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw .invalidHeader("Content-sha256", "is not the base64 of a SHA-256 (32 bytes)")
        }
        return Array(bytes)
    }

    /// Reads `body` to its end, passing every piece to `write`.
    ///
    /// - Parameters:
    ///   - limit: the most bytes allowed; a `Content-Length` above it is refused before reading.
    ///   - what: the operation, for messages ("Put Block").
    /// - Throws: `BlobStorageError` 413 once the body passes `limit`, or what `write` throws.
    static func stream(
        _ request: Request, limit: Int64, what: String, into write: (UnsafeRawBufferPointer) throws -> Void
    ) async throws -> Received {
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > limit {
            throw BlobStorageError.bodyTooLarge(limitBytes: limit, what: what)
        }
        var hasher = ContentDigest.Hasher()
        var size: Int64 = 0
        for try await buffer in request.body {
            size += Int64(buffer.readableBytes)
            guard size <= limit else { throw BlobStorageError.bodyTooLarge(limitBytes: limit, what: what) }
            try buffer.withUnsafeReadableBytes { bytes in
                hasher.update(bytes)
                try write(bytes)
            }
        }
        return Received(size: size, sha256: hasher.finalize())
    }

    /// Checks a received body against the hash its client announced.
    ///
    /// - Throws: `BlobStorageError` 400 `Md5Mismatch` when they differ.
    static func check(_ received: Received, against announced: [UInt8]?, what: String) throws(BlobStorageError) {
        guard let announced, announced != received.sha256 else { return }
        throw .contentHashMismatch(
            what: what, announced: Data(announced).base64EncodedString(),
            actual: Data(received.sha256).base64EncodedString())
    }
}
