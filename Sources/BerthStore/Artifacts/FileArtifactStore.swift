import BerthCore
import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The workspace's artifact store: `artifacts/sha256/<2 hex>/<64 hex>` files, written to
/// `artifacts/tmp` first, synced, then renamed into place — so a crash never leaves a half blob
/// under a digest.
public struct FileArtifactStore: ArtifactStore {
    public let root: URL

    /// Opens (and creates) the store, clearing uploads a crash left behind.
    public init(root: URL) throws {
        self.root = root
        let manager = FileManager.default
        try manager.createDirectory(at: root.appendingPathComponent("sha256"), withIntermediateDirectories: true)
        let temporary = root.appendingPathComponent("tmp")
        if manager.fileExists(atPath: temporary.path) { try? manager.removeItem(at: temporary) }
        try manager.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    public func beginUpload() throws -> any ArtifactUpload {
        try FileUpload(store: self)
    }

    public func contains(_ digest: String) -> Bool {
        location(of: digest) != nil
    }

    public func location(of digest: String) -> URL? {
        guard ArtifactFile.isValidDigest(digest) else { return nil }
        let url = blobURL(hex: String(digest.dropFirst(7)))
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    func blobURL(hex: String) -> URL {
        root.appendingPathComponent("sha256").appendingPathComponent(String(hex.prefix(2)))
            .appendingPathComponent(hex)
    }
}

/// An upload into a `FileArtifactStore`.
final class FileUpload: ArtifactUpload {
    private let store: FileArtifactStore
    private let temporary: URL
    private let descriptor: Int32
    private var hasher = SHA256()
    private var size: Int64 = 0
    private var isClosed = false

    init(store: FileArtifactStore) throws {
        self.store = store
        temporary = store.root.appendingPathComponent("tmp").appendingPathComponent(UUID().uuidString)
        descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw BerthError(.internalError, "Cannot create a file in '\(store.root.path)': \(errnoText()).")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        hasher.update(bufferPointer: bytes)
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw BerthError(.internalError, "Writing an artifact failed: \(errnoText()). Check free disk space.")
            }
            offset += written
        }
        size += Int64(bytes.count)
    }

    func finish(expecting expectedDigest: String?) throws -> ArtifactUploadResult {
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        if let expectedDigest, expectedDigest != "sha256:" + hex {
            abort()
            throw BerthError.badRequest(
                "The uploaded bytes hash to sha256:\(hex), not the \(expectedDigest) the client announced; "
                    + "the upload was damaged, retry it."
            )
        }
        guard fsync(descriptor) == 0 else {
            abort()
            throw BerthError(.internalError, "Syncing an artifact failed: \(errnoText()).")
        }
        close(descriptor)
        isClosed = true
        let target = store.blobURL(hex: hex)
        let manager = FileManager.default
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if manager.fileExists(atPath: target.path) {
            try? manager.removeItem(at: temporary)
        } else {
            guard rename(temporary.path, target.path) == 0 else {
                let reason = errnoText()
                try? manager.removeItem(at: temporary)
                throw BerthError(.internalError, "Publishing an artifact failed: \(reason).")
            }
        }
        return ArtifactUploadResult(digest: "sha256:" + hex, sizeBytes: size)
    }

    func abort() {
        if !isClosed {
            close(descriptor)
            isClosed = true
        }
        try? FileManager.default.removeItem(at: temporary)
    }

    deinit {
        if !isClosed {
            close(descriptor)
            try? FileManager.default.removeItem(at: temporary)
        }
    }
}

private func errnoText() -> String {
    String(cString: strerror(errno))
}
