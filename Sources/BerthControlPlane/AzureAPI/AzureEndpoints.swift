import BerthCore
import BerthStore
import Foundation

/// `AksEndpoint` in Azure's dialect, onto `EndpointManager`: an endpoint is created through the
/// services route with `computeType: AKSENDPOINT` and its first version, and changed with JSON
/// Patch on `/versions/<name>` (add, remove, traffic and roles) and on its own auth and
/// description. Each version is shown as a full AKS service payload, as the SDK requires.
struct AzureEndpoints: Sendable {
    let manager: EndpointManager
    let store: any MetadataStore
    let translation: AzureDeployTranslation
    let accepted: AcceptedCreates

    /// The endpoint named `name`, or nil when it is not an endpoint.
    func endpoint(named name: String) async throws -> Endpoint? {
        guard let endpoint = try await manager.endpoints.endpoint(named: name) else { return nil }
        return await manager.presented(endpoint)
    }

    /// Creates the endpoint with the payload's one version.
    func create(_ payload: JSONValue) async throws -> BerthCore.Operation {
        guard let name = payload["name"]?.stringValue, let computeName = payload["computeName"]?.stringValue else {
            throw BerthError.badRequest(
                "An AksEndpoint needs a name and a deployment_target: Model.deploy(ws, name, models, inference_config, "
                    + "AksEndpoint.deploy_configuration(...), deployment_target=ComputeTarget(ws, '<name>')).")
        }
        guard let (versionName, version) = payload["versions"]?.objectValue?.first,
            payload["versions"]?.objectValue?.count == 1
        else {
            throw BerthError.badRequest("An AksEndpoint is created with exactly one version.")
        }
        var auth: [String: JSONValue] = [:]
        auth["authEnabled"] = payload["authEnabled"]
        auth["aadAuthEnabled"] = payload["aadAuthEnabled"]
        // `AksEndpoint.deploy_configuration(enable_app_insights=…)` sets it on the endpoint: its
        // first version records request telemetry unless the version says otherwise.
        if version["appInsightsEnabled"] == nil { auth["appInsightsEnabled"] = payload["appInsightsEnabled"] }
        let (request, shown) = try await versionRequest(
            versionName, version, endpoint: name, computeName: computeName, auth: auth)
        let operation = try await manager.create(
            CreateEndpointRequest(
                name: name, computeName: computeName, description: payload["description"]?.stringValue, version: request
            ))
        accepted.record(
            EndpointVersion.deploymentName(endpoint: name, version: versionName), payload: shown,
            operationID: operation.id)
        return operation
    }

    /// Applies `patch` to endpoint `name`; returns the long operation it started, if any.
    func apply(_ patch: [PatchOperation], to name: String) async throws -> BerthCore.Operation? {
        let endpoint = try await manager.endpoint(named: name)
        var update = EndpointUpdate()
        var creates: [(String, JSONValue)] = []
        var removals: [String] = []
        var roles: [String: EndpointVersionUpdate] = [:]
        var settings: [String: [PatchOperation]] = [:]
        for operation in patch {
            let parts = operation.path.split(separator: "/").map(String.init)
            let value = operation.value ?? .null
            guard parts.first == "versions" else {
                switch parts.first {
                case "authEnabled": update.authEnabled = value.boolValue
                case "aadAuthEnabled": update.tokenAuthEnabled = value.boolValue
                case "description": update.description = value.stringValue
                case "kvTags", "properties": continue
                case "appInsightsEnabled":
                    // The endpoint's request telemetry is its versions': each version's deployment changes.
                    for version in endpoint.versions {
                        settings[version.name, default: []].append(
                            PatchOperation(op: "replace", path: "/appInsightsEnabled", value: value))
                    }
                default:
                    throw BerthError.badRequest(
                        "The patch path '\(operation.path)' is not an endpoint setting Berth knows.")
                }
                continue
            }
            guard parts.count >= 2 else {
                throw BerthError.badRequest("The patch path '\(operation.path)' names no version.")
            }
            let version = parts[1]
            if parts.count == 2 {
                switch operation.op {
                case "add": creates.append((version, value))
                case "remove": removals.append(version)
                default:
                    throw BerthError.badRequest(
                        "Replace a version's settings one by one, not '\(operation.path)' whole.")
                }
                continue
            }
            switch parts[2] {
            case "isDefault": roles[version, default: EndpointVersionUpdate()].isDefault = value.boolValue
            case "trafficPercentile":
                roles[version, default: EndpointVersionUpdate()].trafficPercentile = value.numberValue
            case "type":
                roles[version, default: EndpointVersionUpdate()].isControlVersionType = value.stringValue == "Control"
            default:
                settings[version, default: []].append(
                    PatchOperation(
                        op: operation.op, path: "/" + parts.dropFirst(2).joined(separator: "/"), value: value))
            }
        }
        if update.authEnabled != nil || update.tokenAuthEnabled != nil || update.description != nil {
            _ = try await manager.update(name, update)
        }
        var started: BerthCore.Operation?
        for (version, payload) in creates {
            // `create_version` has no enable_app_insights: a new version records request
            // telemetry when the endpoint does (as the endpoint reports it), unless it says otherwise.
            var inherited: [String: JSONValue] = [:]
            if payload["appInsightsEnabled"] == nil, try await recordsTelemetry(endpoint) {
                inherited["appInsightsEnabled"] = true
            }
            let (request, shown) = try await versionRequest(
                version, payload, endpoint: name, computeName: endpoint.computeName, auth: inherited)
            let operation = try await manager.createVersion(request, endpoint: name)
            accepted.record(
                EndpointVersion.deploymentName(endpoint: name, version: version), payload: shown,
                operationID: operation.id)
            started = operation
        }
        // The SDK clears the old default (and control) itself when it names a new one; Berth's
        // rules move the role, so only the new holder's change is applied.
        let newDefault =
            roles.contains { $0.value.isDefault == true } || creates.contains { $0.1["isDefault"]?.boolValue == true }
        let newControl =
            roles.contains { $0.value.isControlVersionType == true } || creates.contains { $0.1["type"] == "Control" }
        for (version, var change) in roles.sorted(by: { $0.key < $1.key })
        where !creates.contains(where: { $0.0 == version }) {
            if change.isDefault == false, newDefault { change.isDefault = nil }
            if change.isControlVersionType == false, newControl { change.isControlVersionType = nil }
            guard change.isDefault != nil || change.trafficPercentile != nil || change.isControlVersionType != nil
            else {
                continue
            }
            _ = try await manager.updateVersion(version, endpoint: name, change)
        }
        for (version, operations) in settings {
            let result = try await AzureServicePatch(translation: translation).update(from: operations)
            let deployment = EndpointVersion.deploymentName(endpoint: name, version: version)
            started = try await manager.deployer.update(deployment, result.request, notes: result.notes)
        }
        for version in removals {
            if let operation = try await manager.deleteVersion(version, endpoint: name) { started = operation }
        }
        return started
    }

    /// Whether any version of `endpoint` records request telemetry: the endpoint's
    /// `appInsightsEnabled` as its payload reports it.
    private func recordsTelemetry(_ endpoint: Endpoint) async throws -> Bool {
        for version in endpoint.versions {
            let deployment = EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)
            if try await store.service(named: deployment)?.deploymentConfig.appInsightsEnabled == true { return true }
        }
        return false
    }

    /// The endpoint's Azure payload, each version a full AKS service payload.
    func payload(_ endpoint: Endpoint) async throws -> JSONValue {
        var versions: [String: JSONValue] = [:]
        var states: [String] = []
        var appInsightsEnabled = false
        for version in endpoint.versions {
            let deployment = EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)
            var payload: [String: JSONValue]
            if let service = try await store.service(named: deployment) {
                let models = try await store.models(referencedBy: service.models) { "Model '\($0)' no longer exists." }
                payload = try AzureServicePayload.json(service, models: models).objectValue ?? [:]
                appInsightsEnabled = appInsightsEnabled || service.deploymentConfig.appInsightsEnabled
            } else if let entry = accepted.entry(deployment),
                let operation = try await store.operation(id: entry.operationID)
            {
                payload = AzureServicePayload.pending(entry.payload, operation: operation).objectValue ?? [:]
            } else {
                continue
            }
            states.append(payload["state"]?.stringValue ?? "Transitioning")
            payload["id"] = .string(version.name)
            payload["name"] = .string(version.name)
            payload["scoringUri"] =
                endpoint.scoringUri.map {
                    .string($0.replacingOccurrences(of: "/score", with: "/\(version.name)/score"))
                } ?? .null
            payload["trafficPercentile"] = .number(version.trafficPercentile)
            payload["isDefault"] = .bool(version.isDefault)
            payload["type"] = .string(version.type.rawValue)
            versions[version.name] = .object(payload)
        }
        let state =
            states.contains("Failed") ? "Failed" : states.allSatisfy { $0 == "Healthy" } ? "Healthy" : "Transitioning"
        return .object([
            "id": .string(endpoint.name), "name": .string(endpoint.name),
            "description": endpoint.description.map(JSONValue.string) ?? .null, "kvTags": [:], "properties": [:],
            "computeType": "AKSENDPOINT", "computeName": .string(endpoint.computeName), "state": .string(state),
            "createdTime": .string(BerthJSON.text(of: endpoint.createdTime)),
            "updatedTime": .string(BerthJSON.text(of: endpoint.updatedTime)), "error": .null,
            "createdBy": ["userObjectId": nil, "userTenantId": nil, "userName": "berth"],
            "appInsightsEnabled": .bool(appInsightsEnabled), "authEnabled": .bool(endpoint.authEnabled),
            "aadAuthEnabled": .bool(endpoint.aadAuthEnabled),
            "scoringUri": endpoint.scoringUri.map(JSONValue.string) ?? .null, "environmentImageRequest": .null,
            "models": [], "versions": .object(versions),
        ])
    }

    /// A version's payload as Berth's endpoint version request, its sources laid out, and the
    /// payload shown for it until its deployment is stored.
    private func versionRequest(
        _ name: String, _ payload: JSONValue, endpoint: String, computeName: String, auth: [String: JSONValue] = [:]
    ) async throws -> (EndpointVersionRequest, JSONValue) {
        var settings = payload.objectValue ?? [:]
        settings["name"] = .string(name)
        settings["computeName"] = .string(computeName)
        for (key, value) in auth { settings[key] = value }
        guard let image = settings["environmentImageRequest"], image.objectValue != nil else {
            throw BerthError.badRequest("Version '\(name)' has no environmentImageRequest; give it an InferenceConfig.")
        }
        let sources = try await translation.sources(of: image)
        let request = EndpointVersionRequest(
            versionName: name, models: (image["modelIds"]?.arrayValue ?? []).compactMap(\.stringValue),
            inferenceConfig: sources.inferenceConfig.canonicalJSON,
            deploymentConfig: AzureDeployTranslation.deploymentConfig(.object(settings), computeType: "aksendpoint")
                .canonicalJSON,
            baseDirectory: sources.folder.path, trafficPercentile: settings["trafficPercentile"]?.numberValue,
            isDefault: settings["isDefault"]?.boolValue,
            isControlVersionType: settings["type"]?.stringValue == "Control")
        let shown = try AzureServicePayload.accepted(
            DeployRequest(
                name: EndpointVersion.deploymentName(endpoint: endpoint, version: name), computeName: computeName,
                models: request.models, inferenceConfig: request.inferenceConfig,
                deploymentConfig: request.deploymentConfig, baseDirectory: request.baseDirectory))
        return (request, shown)
    }
}
