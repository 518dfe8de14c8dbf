import BerthCore
import Foundation

/// What the Azure routes need from the blob service: signed upload URLs for the artifact
/// service, and the uploaded files under a blob prefix for assets and deploy sources.
protocol UploadedBlobs: Sendable {
    /// The SAS URL the SDK uploads `name` in `container` to.
    func contentURI(container: String, name: String, permissions: String, expiresAt: Date) -> String
    /// Every uploaded blob whose name starts with `prefix`, as `(name, digest, size)`, by name.
    func files(container: String, prefix: String) async throws -> [UploadedBlob]
    /// Makes bytes already in the artifact store readable as blob `blob.name` (a model registered
    /// with `berth model register`, for `Model.download`).
    func index(_ blob: UploadedBlob, container: String) async throws
}

/// One uploaded blob: its name in the container and its bytes in the artifact store.
struct UploadedBlob: Sendable, Hashable {
    var name: String
    /// `sha256:<hex>`, the artifact store's key.
    var digest: String
    var size: Int64

    /// The container every SDK upload lands in, as its SAS URLs name it.
    static let container = "azureml"
}

extension UploadedBlobs {
    /// The blob named `prefix` and those in the folder it names (not `model.pkl2` for `model.pkl`).
    func files(under prefix: String, container: String) async throws -> [UploadedBlob] {
        try await files(container: container, prefix: prefix).filter {
            $0.name == prefix || $0.name.hasPrefix(prefix.hasSuffix("/") ? prefix : prefix + "/")
        }
    }

    /// The files under one asset or artifact prefix, with names relative to the prefix's parent
    /// (`LocalUpload/<container>/model.pkl` → `model.pkl`; a folder keeps its own name first).
    /// Throws 400 naming the prefix when nothing was uploaded there.
    func artifactFiles(container: String, prefix: String) async throws -> [ArtifactFile] {
        let exact = try await files(under: prefix, container: container)
        guard !exact.isEmpty else {
            throw BerthError.badRequest(
                "Nothing was uploaded under '\(prefix)'; upload the files (the SDK does so before registering) and retry."
            )
        }
        let parent = prefix.split(separator: "/").dropLast().joined(separator: "/")
        return exact.map {
            let relative = parent.isEmpty ? $0.name : String($0.name.dropFirst(parent.count + 1))
            return ArtifactFile(path: relative, digest: $0.digest, sizeBytes: $0.size)
        }
    }
}
