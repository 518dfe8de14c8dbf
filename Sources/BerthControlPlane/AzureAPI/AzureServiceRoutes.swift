import BerthBackends
import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird

/// Azure's service routes (model management `services`, `operations`) onto the same `Deployer`,
/// credentials and backend as `/api/v1/services`: create, read, list, update (JSON Patch),
/// delete, keys, tokens and logs. Long work answers 202 with `Operation-Location`, which the SDK
/// polls itself.
struct AzureServiceRoutes<Context: RequestContext> {
    let scope: AzureScope
    let deployer: Deployer
    let store: any MetadataStore
    let backend: any ComputeBackend
    let credentials: ServiceCredentials
    let operations: LongOperations
    let translation: AzureDeployTranslation
    let endpoints: AzureEndpoints
    var accepted: AcceptedCreates { endpoints.accepted }

    func add(to router: Router<Context>) {
        let base = AzureScope.modelManagement
        router.post(RouterPath(base + "/services/validate/name/:name")) { _, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            if try await store.service(named: name) != nil, try await endpoints.endpoint(named: name) == nil {
                return try JSONBody.response(
                    [
                        "error": [
                            "message": .string(
                                "Service \(name) already exists. Deploy with overwrite=True to replace it, or choose another name."
                            )
                        ]
                    ] as JSONValue)
            }
            return try JSONBody.response([:] as JSONValue)
        }
        for check in ["validate", "validate/resource"] {
            router.post(RouterPath(base + "/services/" + check)) { _, context in
                try scope.check(context)
                return try JSONBody.response([:] as JSONValue)
            }
        }
        router.post(RouterPath(base + "/services")) { request, context in
            try scope.check(context)
            let payload = try await JSONBody.decode(JSONValue.self, from: request, what: "service definition")
            let kind = (payload["computeType"]?.stringValue ?? "AKS").uppercased()
            if kind == "AKSENDPOINT" {
                return try acceptedResponse(try await endpoints.create(payload), request: request, context: context)
            }
            guard kind == "AKS" else {
                throw BerthError.badRequest(
                    "computeType \(kind) is not one Berth deploys to; use AksWebservice or AksEndpoint deployment configurations."
                )
            }
            let translated = try await translation.deployRequest(payload, overwrite: false)
            let operation = try await deployer.deploy(translated.request, notes: translated.notes)
            accepted.record(
                translated.request.name, payload: try AzureServicePayload.accepted(translated.request),
                operationID: operation.id)
            return try acceptedResponse(operation, request: request, context: context)
        }
        router.get(RouterPath(base + "/services/:name")) { _, context in
            try scope.check(context)
            return try JSONBody.response(try await payload(named: try context.parameters.require("name")))
        }
        router.get(RouterPath(base + "/services")) { request, context in
            try scope.check(context)
            let query = request.uri.queryParameters
            var services = try await store.services().filter { $0.deploymentConfig.computeType != .aksEndpoint }
            let kind = query.get("computeType")?.uppercased()
            if let kind, kind != "AKS" { services = [] }
            if let model = query.get("modelName") {
                services = services.filter { $0.models.contains { $0.hasPrefix(model + ":") } }
            }
            let tags = AzureTagQuery(parsing: query.get("tags"))
            let properties = AzureTagQuery(parsing: query.get("properties"))
            services = services.filter { tags.matches($0.kvTags) && properties.matches($0.properties) }
            var value: [JSONValue] = []
            for service in services { value.append(try await payload(of: service)) }
            if kind == nil || kind == "AKSENDPOINT", query.get("modelName") == nil, tags.terms.isEmpty,
                properties.terms.isEmpty
            {
                for endpoint in try await endpoints.manager.list() {
                    value.append(try await endpoints.payload(endpoint))
                }
            }
            return try JSONBody.response(["value": .array(value)] as JSONValue)
        }
        router.patch(RouterPath(base + "/services/:name")) { request, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            let patch = try await JSONBody.decode([PatchOperation].self, from: request, what: "service patch")
            if try await endpoints.endpoint(named: name) != nil {
                guard let operation = try await endpoints.apply(patch, to: name) else { return Response(status: .ok) }
                return try acceptedResponse(operation, request: request, context: context)
            }
            let update = try await AzureServicePatch(translation: translation).update(from: patch)
            let operation = try await deployer.update(name, update.request, notes: update.notes)
            return try acceptedResponse(operation, request: request, context: context)
        }
        router.delete(RouterPath(base + "/services/:name")) { request, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            accepted.forget(name)
            if try await endpoints.endpoint(named: name) != nil {
                guard let operation = try await endpoints.manager.delete(name).last else {
                    return Response(status: .ok)
                }
                return try acceptedResponse(operation, request: request, context: context)
            }
            return try acceptedResponse(try await deployer.delete(name), request: request, context: context)
        }
        router.post(RouterPath(base + "/services/:name/listkeys")) { _, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            if try await endpoints.endpoint(named: name) != nil {
                return try JSONBody.response(try await endpoints.manager.keys(forEndpoint: name))
            }
            return try JSONBody.response(try await credentials.keys(of: name))
        }
        router.post(RouterPath(base + "/services/:name/regenerateKeys")) { request, context in
            try scope.check(context)
            let body = try await JSONBody.decode(RegenerateKeyRequest.self, from: request)
            let name = try context.parameters.require("name")
            let operation = try await operations.run(type: "RegenerateKeys", resource: "/api/v1/services/\(name)") {
                log in
                if try await endpoints.endpoint(named: name) != nil {
                    _ = try await endpoints.manager.regenerateKey(body, forEndpoint: name)
                } else {
                    _ = try await credentials.regenerate(body, of: name)
                }
                log("The \(body.keyType.lowercased()) key of '\(name)' was regenerated.")
            }
            return try acceptedResponse(operation, request: request, context: context)
        }
        router.post(RouterPath(base + "/services/:name/token")) { _, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            let token =
                try await endpoints.endpoint(named: name) != nil
                ? try await endpoints.manager.token(forEndpoint: name) : try await credentials.token(of: name)
            return try JSONBody.response(
                [
                    "accessToken": .string(token.accessToken), "tokenType": .string(token.tokenType),
                    "expiryOn": .number(token.expiryOn.timeIntervalSince1970.rounded(.down)),
                    "refreshAfter": .number(token.refreshAfter.timeIntervalSince1970.rounded(.down)),
                ] as JSONValue)
        }
        router.get(RouterPath(base + "/services/:name/logs")) { request, context in
            try scope.check(context)
            let service = try await credentials.service(named: try context.parameters.require("name"))
            let lines =
                request.uri.queryParameters.get("tail").flatMap(Int.init).map { max(1, min($0, 100_000)) } ?? 5000
            let text = try await backend.logs(ofDeployment: service.name, replica: nil, lines: lines)
            return try JSONBody.response(["content": .string(text)] as JSONValue)
        }
        router.get(RouterPath(base + "/operations/:id")) { request, context in
            try scope.check(context)
            let operation = try await operations.operation(id: try context.parameters.require("id"))
            let offset = request.uri.queryParameters.get("offset").flatMap(Int.init) ?? 0
            let resource = resourceURL(of: operation, request: request)
            return try JSONBody.response(AzureOperationPayload.json(operation, resource: resource, offset: offset))
        }
    }

    /// The service's Azure payload, or the accepted create's while its deploy prepares.
    private func payload(named name: String) async throws -> JSONValue {
        if let endpoint = try await endpoints.endpoint(named: name) { return try await endpoints.payload(endpoint) }
        if let service = try await store.service(named: name) { return try await payload(of: service) }
        if let entry = accepted.entry(name), let operation = try await store.operation(id: entry.operationID) {
            return AzureServicePayload.pending(entry.payload, operation: operation)
        }
        throw BerthError.notFound("Service '\(name)' does not exist in this workspace.")
    }

    private func payload(of service: Webservice) async throws -> JSONValue {
        let models = try await store.models(referencedBy: service.models) { "Model '\($0)' no longer exists." }
        return try AzureServicePayload.json(service, models: models)
    }

    private func acceptedResponse(_ operation: BerthCore.Operation, request: Request, context: Context) throws
        -> Response
    {
        var headers = HTTPFields()
        headers[.operationLocation] = "\(scope.baseURL(of: request))\(mmsPath(context))/operations/\(operation.id)"
        return Response(status: .accepted, headers: headers)
    }

    private func mmsPath(_ context: Context) -> String {
        "/modelmanagement/v1.0\(scope.identity.armPath)"
    }

    private func resourceURL(of operation: BerthCore.Operation, request: Request) -> String {
        let name = operation.resourceLocation.split(separator: "/").last.map(String.init) ?? ""
        return "\(scope.baseURL(of: request))/modelmanagement/v1.0\(scope.identity.armPath)/services/\(name)"
    }
}
