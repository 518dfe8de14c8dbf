import BerthStore
import Foundation

/// The blob storage as the rest of the Azure dialect uses it: signed upload URLs and the
/// uploaded files under a prefix.
extension AzureBlobs: UploadedBlobs {
    func contentURI(container: String, name: String, permissions: String, expiresAt: Date) -> String {
        grants.contentURI(container: container, name: name, permissions: permissions, expiresAt: expiresAt)
    }

    func index(_ blob: UploadedBlob, container: String) async throws {
        if let stored = try await store.blob(container: container, name: blob.name), stored.digest == blob.digest {
            return
        }
        try await store.saveBlob(
            StoredBlob(
                container: container, name: blob.name, digest: blob.digest, size: blob.size,
                etag: "\"\(blob.digest.suffix(16))\"", lastModified: Date(), contentType: "application/octet-stream"))
    }

    func files(container: String, prefix: String) async throws -> [UploadedBlob] {
        try await store.blobs(container: container, prefix: prefix).map {
            UploadedBlob(name: $0.name, digest: $0.digest, size: $0.size)
        }
    }
}
