import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// Model registration in Azure's dialect, onto `ModelRegistry`: an asset names the uploaded
/// blobs, a model is registered from an asset (`aml://asset/<id>`), and the files land in the same
/// content-addressed store and registry as `berth model register`.
struct AzureModelRoutes<Context: RequestContext> {
    let scope: AzureScope
    let registry: ModelRegistry
    let assets: any AzureAssetStore
    let blobs: any UploadedBlobs

    private struct AssetRequest: Decodable {
        struct Artifact: Decodable { var prefix: String }
        var name: String?
        var artifacts: [Artifact]
    }

    private struct ModelRequest: Decodable {
        var name: String
        var url: String
        var description: String?
        var kvTags: [String: String]?
        var properties: [String: String]?
    }

    func add(to router: Router<Context>) {
        let base = AzureScope.modelManagement
        router.post(RouterPath(base + "/assets")) { request, context in
            try scope.check(context)
            let body = try await JSONBody.decode(AssetRequest.self, from: request, what: "asset")
            guard !body.artifacts.isEmpty else {
                throw BerthError.badRequest("An asset names at least one artifact prefix.")
            }
            let asset = AzureAsset(
                id: UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""), name: body.name ?? "asset",
                prefixes: body.artifacts.map(\.prefix))
            // Every prefix must hold uploaded files now, so a model never points at nothing.
            for prefix in asset.prefixes {
                _ = try await blobs.artifactFiles(container: UploadedBlob.container, prefix: prefix)
            }
            try await assets.saveAsset(asset)
            return try JSONBody.response(assetPayload(asset))
        }
        router.get(RouterPath(base + "/assets/:id")) { _, context in
            try scope.check(context)
            return try JSONBody.response(assetPayload(try await asset(id: try context.parameters.require("id"))))
        }
        router.post(RouterPath(base + "/models")) { request, context in
            try scope.check(context)
            let body = try await JSONBody.decode(ModelRequest.self, from: request, what: "model")
            let files = try await files(of: body.url)
            let model = try await registry.register(
                RegisterModelRequest(
                    name: body.name, description: body.description, kvTags: body.kvTags, properties: body.properties,
                    isFolder: files.count > 1 || files.contains { $0.path.contains("/") }, files: files))
            return try JSONBody.response(AzureModelPayload.json(model))
        }
        router.get(RouterPath(base + "/models")) { request, context in
            try scope.check(context)
            let query = request.uri.queryParameters
            let tags = AzureTagQuery(parsing: query.get("tags"))
            let properties = AzureTagQuery(parsing: query.get("properties"))
            var models = try await registry.list(name: query.get("name"), tag: nil).filter {
                tags.matches($0.kvTags) && properties.matches($0.properties)
            }
            // Newest first, as Azure answers: `Model(ws, name)` takes the first.
            models.sort { ($0.createdTime, $0.version) > ($1.createdTime, $1.version) }
            if let count = query.get("count").flatMap(Int.init), count >= 0 { models = Array(models.prefix(count)) }
            return try JSONBody.response(
                ["value": .array(models.map(AzureModelPayload.json)), "nextLink": nil] as JSONValue)
        }
        router.get(RouterPath(base + "/models/:id")) { _, context in
            try scope.check(context)
            return try JSONBody.response(
                AzureModelPayload.json(try await registry.model(id: try context.parameters.require("id"))))
        }
        router.delete(RouterPath(base + "/models/:id")) { _, context in
            try scope.check(context)
            try await registry.delete(id: try context.parameters.require("id"))
            return Response(status: .ok)
        }
    }

    /// The files an `aml://asset/<id>` or `aml://artifact/<id>` URL stands for.
    func files(of url: String) async throws -> [ArtifactFile] {
        let container = UploadedBlob.container
        if url.hasPrefix("aml://asset/") {
            let asset = try await asset(id: String(url.dropFirst("aml://asset/".count)))
            var files: [ArtifactFile] = []
            for prefix in asset.prefixes {
                files += try await blobs.artifactFiles(container: container, prefix: prefix)
            }
            return files
        }
        if url.hasPrefix("aml://artifact/") {
            return try await blobs.artifactFiles(
                container: container, prefix: String(url.dropFirst("aml://artifact/".count)))
        }
        throw BerthError.badRequest(
            "The model url '\(url)' is not an aml://asset/… or aml://artifact/… URL of this workspace; register "
                + "the model with Model.register from local files.")
    }

    private func asset(id: String) async throws -> AzureAsset {
        guard let asset = try await assets.asset(id: id) else {
            throw BerthError.notFound("Asset '\(id)' does not exist in this workspace.")
        }
        return asset
    }

    private func assetPayload(_ asset: AzureAsset) -> JSONValue {
        [
            "id": .string(asset.id), "name": .string(asset.name),
            "artifacts": .array(asset.prefixes.map { ["prefix": .string($0)] }),
            "createdTime": .string(BerthJSON.text(of: asset.createdTime)),
        ]
    }
}
