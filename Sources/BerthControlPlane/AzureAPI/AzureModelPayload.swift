import BerthCore
import Foundation

/// A registered model as Azure's model management service answers it; every key the SDK's
/// `Model` reads is present.
enum AzureModelPayload {
    static func json(_ model: Model) -> JSONValue {
        [
            "id": .string(model.id), "name": .string(model.name), "version": .number(Double(model.version)),
            "framework": "Custom", "frameworkVersion": nil,
            "url": .string("aml://berth/models/\(model.name)/\(model.version)"),
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
