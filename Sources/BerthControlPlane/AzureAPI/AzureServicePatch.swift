import BerthCore
import Foundation

/// One JSON Patch operation, as `Webservice.update()` sends them.
struct PatchOperation: Decodable, Sendable {
    var op: String
    var path: String
    var value: JSONValue?
}

/// Turns `AksWebservice.update()`'s JSON Patch into the `UpdateServiceRequest` that
/// `berth service update` sends: settings become a partial `deploymentconfig.json`, a new
/// `environmentImageRequest` becomes new sources and models, tags/properties/description are
/// replaced.
struct AzureServicePatch: Sendable {
    let translation: AzureDeployTranslation

    struct Result: Sendable {
        var request: UpdateServiceRequest
        var notes: [String]
    }

    func update(from patch: [PatchOperation]) async throws -> Result {
        var settings: [String: JSONValue] = [:]
        var request = UpdateServiceRequest()
        var notes: [String] = []
        var properties: [String: String]?
        for operation in patch {
            guard ["replace", "add"].contains(operation.op) else {
                throw BerthError.badRequest(
                    "JSON Patch op '\(operation.op)' on '\(operation.path)' is not supported; use replace or add.")
            }
            let parts = operation.path.split(separator: "/").map(String.init)
            let value = operation.value ?? .null
            switch parts.first {
            case "environmentImageRequest":
                let image = value
                request.models = (image["modelIds"]?.arrayValue ?? []).compactMap(\.stringValue)
                if image["environment"] != nil {
                    let laidOut = try await translation.sources(of: image)
                    request.inferenceConfig = laidOut.inferenceConfig.canonicalJSON
                    request.baseDirectory = laidOut.folder.path
                    notes += laidOut.notes
                }
            case "kvTags": request.kvTags = value.objectValue?.compactMapValues(\.stringValue) ?? [:]
            case "description": request.description = value.stringValue ?? ""
            case "properties":
                if parts.count == 2, let text = value.stringValue {
                    properties = (properties ?? [:]).merging([parts[1]: text]) { _, new in new }
                } else {
                    properties = value.objectValue?.compactMapValues(\.stringValue) ?? [:]
                }
            case "imageId":
                notes.append("imageId is set aside: Berth deploys from environments, not images.")
            case "aadAuthEnabled": settings["tokenAuthEnabled"] = value
            case "containerResourceRequirements" where parts.count == 2 && parts[1] == "gpu":
                settings["gpuCores"] = value
            case let key? where parts.count == 1:
                settings[key] = value
            case let key? where parts.count == 2:
                var section = settings[key]?.objectValue ?? [:]
                section[parts[1]] = value
                settings[key] = .object(section)
            default:
                throw BerthError.badRequest("The patch path '\(operation.path)' is not a service setting Berth knows.")
            }
        }
        request.properties = properties
        if !settings.isEmpty { request.deploymentConfig = JSONValue.object(settings).canonicalJSON }
        return Result(request: request, notes: notes)
    }
}
