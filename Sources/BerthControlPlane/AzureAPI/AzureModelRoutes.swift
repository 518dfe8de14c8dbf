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
                id: Self.newAssetID(), name: body.name ?? "asset",
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
            if body.url.hasPrefix("aml://asset/") {
                try await assets.saveAssetOfModel(model.id, assetID: String(body.url.dropFirst("aml://asset/".count)))
            }
            return try JSONBody.response(try await payload(model))
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
            var value: [JSONValue] = []
            for model in models { value.append(try await payload(model)) }
            return try JSONBody.response(["value": .array(value), "nextLink": nil] as JSONValue)
        }
        router.get(RouterPath(base + "/models/:id")) { _, context in
            try scope.check(context)
            return try JSONBody.response(
                try await payload(try await registry.model(id: try modelID(context))))
        }
        router.delete(RouterPath(base + "/models/:id")) { _, context in
            try scope.check(context)
            try await registry.delete(id: try modelID(context))
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

    /// The model's Azure payload, its `url` naming the asset that holds its files: the one it was
    /// registered from, or (for a model registered with `berth model register`) one made now over
    /// its files, so `Model.download` finds them.
    private func payload(_ model: Model) async throws -> JSONValue {
        if let id = try await assets.assetID(ofModel: model.id) { return AzureModelPayload.json(model, assetID: id) }
        let folder = "\(Self.registryOrigin)/\(model.name)/\(model.version)"
        var prefixes: [String] = []
        for file in model.files {
            try await blobs.index(
                UploadedBlob(name: "\(folder)/\(file.path)", digest: file.digest, size: file.sizeBytes),
                container: UploadedBlob.container)
            let top = "\(folder)/\(file.path.split(separator: "/").first ?? "")"
            if !prefixes.contains(top) { prefixes.append(top) }
        }
        let asset = AzureAsset(id: Self.newAssetID(), name: model.name, prefixes: prefixes)
        try await assets.saveAsset(asset)
        try await assets.saveAssetOfModel(model.id, assetID: asset.id)
        return AzureModelPayload.json(model, assetID: asset.id)
    }

    /// The `:id` parameter, percent-decoded: the SDK sends `name%3Aversion`.
    private func modelID(_ context: Context) throws -> String {
        let raw = try context.parameters.require("id")
        return raw.removingPercentEncoding ?? raw
    }

    /// The artifact origin of models registered with `berth model register`.
    static var registryOrigin: String { "ModelRegistry" }

    /// 32 hex characters, as Azure's asset ids.
    static func newAssetID() -> String { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }

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
