import Foundation

/// The blob storage as the rest of the Azure dialect uses it: signed upload URLs and the
/// uploaded files under a prefix.
extension AzureBlobs: UploadedBlobs {
    func contentURI(container: String, name: String, permissions: String, expiresAt: Date) -> String {
        grants.contentURI(container: container, name: name, permissions: permissions, expiresAt: expiresAt)
    }

    func files(container: String, prefix: String) async throws -> [UploadedBlob] {
        try await store.blobs(container: container, prefix: prefix).map {
            UploadedBlob(name: $0.name, digest: $0.digest, size: $0.size)
        }
    }
}
