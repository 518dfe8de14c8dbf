import BerthCore
import BerthStore
import Foundation

/// The model registry's rules on top of the store: name rules, files that must already be in the
/// artifact store, tag filters, and delete refused while a service uses the model.
struct ModelRegistry: Sendable {
    let store: any MetadataStore
    let artifacts: any ArtifactStore

    /// The most models one registration may list (a folder of many small files is fine).
    static let maxFiles = 100_000

    func register(_ request: RegisterModelRequest) async throws -> Model {
        try NameKind.model.validate(request.name)
        guard !request.files.isEmpty else {
            throw BerthError.badRequest("Model '\(request.name)' has no files; register a file or a non-empty folder.")
        }
        guard request.files.count <= Self.maxFiles else {
            throw BerthError.badRequest("A model may hold at most \(Self.maxFiles) files; this one lists \(request.files.count).")
        }
        var seen = Set<String>()
        for file in request.files {
            try ArtifactFile.validate(path: file.path)
            guard seen.insert(file.path).inserted else {
                throw BerthError.badRequest("The file '\(file.path)' is listed twice.")
            }
            guard artifacts.contains(file.digest) else {
                throw BerthError.badRequest(
                    "The bytes of '\(file.path)' (\(file.digest)) were not uploaded; POST them to /api/v1/artifacts first."
                )
            }
        }
        for (key, _) in request.kvTags ?? [:] where key.isEmpty {
            throw BerthError.badRequest("Error, tags must be entered in the following format: key=value")
        }
        return try await store.registerModel(request, createdTime: Date())
    }

    func list(name: String?, tag: String?) async throws -> [Model] {
        try await store.models(named: name, tag: tag.map(ModelTagFilter.init(parsing:)))
    }

    /// Finds `name:version` (or `name` alone for the latest), 404 when absent.
    func model(id: String) async throws -> Model {
        let reference = try ModelReference(parsing: id)
        guard let model = try await store.model(named: reference.name, version: reference.version) else {
            throw BerthError.notFound(
                "Model '\(id)' does not exist in this workspace. 'berth model list' shows the registered models.")
        }
        return model
    }

    func delete(id: String) async throws {
        let model = try await model(id: id)
        try await store.deleteModel(named: model.name, version: model.version)
    }
}
