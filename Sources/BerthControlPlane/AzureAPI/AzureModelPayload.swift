import BerthCore
import Foundation

/// A registered model as Azure's model management service answers it; every key the SDK's
/// `Model` reads is present.
enum AzureModelPayload {
    /// - Parameter assetID: the asset holding the model's files (its `url`, which `Model.download`
    ///   follows); nil gives a URL that names the model only.
    static func json(_ model: Model, assetID: String? = nil) -> JSONValue {
        [
            "id": .string(model.id), "name": .string(model.name), "version": .number(Double(model.version)),
            "framework": "Custom", "frameworkVersion": nil,
            "url": .string(assetID.map { "aml://asset/\($0)" } ?? "aml://berth/models/\(model.name)/\(model.version)"),
            "mimeType": .string(model.isFolder ? "application/json" : "application/octet-stream"),
            "description": model.description.map(JSONValue.string) ?? nil,
            "createdTime": .string(BerthJSON.text(of: model.createdTime)),
            "modifiedTime": .string(BerthJSON.text(of: model.createdTime)),
            "unpack": false,
            "kvTags": .object(model.kvTags.mapValues(JSONValue.string)),
            "properties": .object(model.properties.mapValues(JSONValue.string)),
            "experimentName": nil, "runId": nil, "datasets": [], "derivedModelIds": [],
            "sampleInputData": nil, "sampleOutputData": nil, "resourceRequirements": nil,
            "createdBy": ["userObjectId": nil, "userTenantId": nil, "userName": "berth"],
        ]
    }
}
