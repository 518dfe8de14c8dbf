import BerthCore
import BerthStore
import Foundation
import Hummingbird

extension AzureBlobs {
    /// Put Blob: streams the body into the artifact store and indexes it under `address`.
    ///
    /// Nothing is indexed (and the artifact store keeps nothing) unless every byte arrived and
    /// they hash to `announced`.
    ///
    /// - Parameter mustBeNew: `If-None-Match: *`: refuse when the name is taken.
    /// - Throws: `BlobStorageError` (too large, hash mismatch, `BlobAlreadyExists`), `BerthError`.
    func putBlob(
        _ request: Request, to address: BlobAddress, announced: [UInt8]?, contentType: String?, mustBeNew: Bool,
        now: Date = Date()
    ) async throws -> StoredBlob {
        let upload = try artifacts.beginUpload()
        let result: ArtifactUploadResult
        do {
            let received = try await BlobBody.stream(request, limit: configuration.maxBodyBytes, what: "Put Blob") {
                try upload.write($0)
            }
            try BlobBody.check(received, against: announced, what: "the body of Put Blob to \(address)")
            result = try upload.finish()
        } catch {
            upload.abort()
            throw error
        }
        return try await index(address, result, contentType: contentType, mustBeNew: mustBeNew, now: now)
    }

    /// Put Block List: concatenates the listed blocks, in order, into one artifact indexed under
    /// `address`, then forgets the blob's blocks.
    ///
    /// Every block is resolved among the blocks put for `address` whichever list (`Latest`,
    /// `Committed`, `Uncommitted`) names it: blocks are kept only until their blob is committed,
    /// so a block list can not reuse the blocks of an earlier commit.
    ///
    /// - Throws: `BlobStorageError` 400 `InvalidBlockList` naming a block never put (nothing is
    ///   stored then), 409 `BlobAlreadyExists`; `BerthError` when the disk fails.
    func commitBlockList(
        _ entries: [BlockListXML.Entry], to address: BlobAddress, contentType: String?, mustBeNew: Bool,
        now: Date = Date()
    ) async throws -> StoredBlob {
        let files = try entries.map { entry throws(BlobStorageError) in
            guard let file = blocks.existingFile(ofBlock: entry.id, of: address) else {
                throw .invalidBlockList(
                    "The specified block list is invalid: block '\(entry.id)' (\(entry.list)) was never put for "
                        + "\(address), or was already committed. Put every block, then commit the list again.")
            }
            return file
        }
        let upload = try artifacts.beginUpload()
        let result: ArtifactUploadResult
        do {
            for file in files { try Self.append(file, to: upload) }
            result = try upload.finish()
        } catch {
            upload.abort()
            throw error
        }
        let blob = try await index(address, result, contentType: contentType, mustBeNew: mustBeNew, now: now)
        blocks.discard(address)
        return blob
    }

    private func index(
        _ address: BlobAddress, _ result: ArtifactUploadResult, contentType: String?, mustBeNew: Bool, now: Date
    ) async throws -> StoredBlob {
        // Checked before the body was read too; again here, as another upload may have ended since.
        if mustBeNew, try await store.blob(container: address.container, name: address.name) != nil {
            throw BlobStorageError.blobAlreadyExists(container: address.container, name: address.name)
        }
        let blob = StoredBlob(
            container: address.container, name: address.name, digest: result.digest, size: result.sizeBytes,
            etag: Self.newETag(), lastModified: now, contentType: contentType)
        try await store.saveBlob(blob)
        return blob
    }

    /// Copies a block file into an upload, a MiB at a time.
    private static func append(_ file: URL, to upload: any ArtifactUpload) throws {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw BerthError(.internalError, "Cannot read the block file '\(file.path)'; check its permissions.")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try upload.write(chunk)
        }
    }

    /// A new `ETag` in Azure's form, `"0x…"` with 16 hex digits.
    static func newETag() -> String {
        let value = UInt64.random(in: 1 << 60...UInt64.max)
        return "\"0x\(String(value, radix: 16, uppercase: true))\""
    }
}
