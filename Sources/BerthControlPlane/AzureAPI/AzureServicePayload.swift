import BerthCore
import Foundation

/// A service as Azure's model management service answers it (`AksWebservice`'s payload): the
/// deployment settings at the top level under their Azure names, the models in full, the inline
/// environment, and every key the SDK reads without a default.
enum AzureServicePayload {
    static func json(_ service: Webservice, models: [Model]) throws -> JSONValue {
        let config = service.deploymentConfig
        var payload: [String: JSONValue] = [:]
        if let settings = try JSONValue(parsing: BerthJSON.encode(config)).objectValue {
            for key in [
                "containerResourceRequirements", "autoScaler", "livenessProbeRequirements", "dataCollection",
                "scoringTimeoutMs", "maxConcurrentRequestsPerContainer", "maxQueueWaitMs", "appInsightsEnabled",
            ] {
                payload[key] = settings[key] ?? nil
            }
        }
        let state: String = service.state == .deleting ? "Deleting" : service.state.rawValue
        payload["id"] = .string(service.name)
        payload["name"] = .string(service.name)
        payload["description"] = service.description.map(JSONValue.string) ?? .null
        payload["kvTags"] = .object((service.kvTags ?? [:]).mapValues(JSONValue.string))
        payload["properties"] = .object((service.properties ?? [:]).mapValues(JSONValue.string))
        payload["computeType"] = "AKS"
        payload["computeName"] = .string(service.computeName)
        payload["state"] = .string(state)
        payload["error"] = service.error.map(errorJSON) ?? .null
        payload["createdTime"] = .string(BerthJSON.text(of: service.createdTime))
        payload["updatedTime"] = .string(BerthJSON.text(of: service.updatedTime))
        payload["createdBy"] = ["userObjectId": nil, "userTenantId": nil, "userName": "berth"]
        payload["authEnabled"] = .bool(config.authEnabled)
        payload["aadAuthEnabled"] = .bool(config.aadAuthEnabled)
        payload["numReplicas"] = config.numReplicas.map { .number(Double($0)) } ?? .null
        payload["namespace"] = config.namespace.map(JSONValue.string) ?? .null
        payload["scoringUri"] = service.scoringUri.map(JSONValue.string) ?? .null
        payload["swaggerUri"] = service.swaggerUri.map(JSONValue.string) ?? .null
        payload["models"] = .array(models.map { AzureModelPayload.json($0) })
        let desired = JSONValue.number(Double(service.desiredReplicas))
        let ready = JSONValue.number(Double(service.readyReplicas))
        payload["deploymentStatus"] = .object([
            "desiredReplicas": desired, "updatedReplicas": ready, "availableReplicas": ready, "error": .null,
        ])
        if let environment = service.inferenceConfig.environment {
            payload["environmentImageRequest"] = [
                "environment": environment, "modelIds": .array(service.models.map(JSONValue.string)),
            ]
        }
        return .object(payload)
    }

    static func errorJSON(_ error: ErrorDetail) -> JSONValue {
        .object(["code": .string(error.code), "message": .string(error.message)])
    }

    /// The payload of a service whose create is accepted but not yet stored (its environment may
    /// still be building), as the accepted request describes it.
    static func accepted(_ request: DeployRequest) throws -> JSONValue {
        let config = try DeploymentConfigFile.parse(Data((request.deploymentConfig ?? "{}").utf8)).value.resolved()
        var service = Webservice(
            name: request.name, computeName: request.computeName, computeType: "AKS", models: request.models,
            inferenceConfig: try InferenceConfig.parse(Data(request.inferenceConfig.utf8)).value,
            deploymentConfig: config, desiredReplicas: Webservice.initialReplicas(for: config))
        service.description = request.description
        service.kvTags = request.kvTags
        service.properties = request.properties
        return try json(service, models: [])
    }

    /// An accepted create's payload as its operation stands: `Transitioning`, or `Failed` with
    /// the operation's error.
    static func pending(_ accepted: JSONValue, operation: BerthCore.Operation) -> JSONValue {
        var payload = accepted.objectValue ?? [:]
        let failed = operation.state == .failed || operation.state == .timedOut
        payload["state"] = .string(failed ? "Failed" : "Transitioning")
        payload["error"] = operation.error.map(errorJSON) ?? .null
        payload["createdTime"] = .string(BerthJSON.text(of: operation.createdTime))
        payload["updatedTime"] = .string(BerthJSON.text(of: operation.endTime ?? operation.createdTime))
        return .object(payload)
    }
}

/// A Berth operation as Azure's model management service answers it: Azure's operation types,
/// and the log as `streamingOperationLog` (`yyyyMMddHHmmss|message#…`) read from a character offset.
enum AzureOperationPayload {
    static func json(_ operation: BerthCore.Operation, resource: String, offset: Int) -> JSONValue {
        let types = [
            "DeployService": "ServiceCreate", "UpdateService": "ServiceUpdate", "DeleteService": "ServiceDelete",
        ]
        let log = operation.log.map { "\(stamp($0.time))|\(clean($0.message))#" }.joined()
        var payload: [String: JSONValue] = [
            "id": .string(operation.id),
            "operationType": .string(types[operation.operationType] ?? operation.operationType),
            "state": .string(operation.state.rawValue),
            "createdTime": .string(BerthJSON.text(of: operation.createdTime)),
            "resourceLocation": .string(resource), "subOperationType": nil, "operationLog": nil,
            "operationDetails": ["subOperationType": "DeployService"],
            "streamingOperationLog": .string(String(log.dropFirst(max(0, offset)))),
        ]
        payload.merge(AzureOperationPayload.outcome(of: operation)) { _, new in new }
        return .object(payload)
    }

    /// An operation's `endTime` and `error` (with the HTTP status of its code), when it has them,
    /// as both Azure's operation documents carry them.
    static func outcome(of operation: BerthCore.Operation) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [:]
        if let end = operation.endTime { fields["endTime"] = .string(BerthJSON.text(of: end)) }
        if let error = operation.error {
            fields["error"] = [
                "code": .string(error.code), "message": .string(error.message),
                "statusCode": .number(Double(BerthError.Code(error.code).httpStatus)),
            ]
        }
        return fields
    }

    /// The SDK splits the log on `#` and `|`; a message keeps neither.
    private static func clean(_ message: String) -> String {
        message.replacingOccurrences(of: "#", with: "＃").replacingOccurrences(of: "|", with: "¦")
            .replacingOccurrences(of: "\n", with: " ")
    }

    private static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }
}
