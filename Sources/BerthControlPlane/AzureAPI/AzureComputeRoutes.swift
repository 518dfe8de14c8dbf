import BerthCore
import BerthStore
import Foundation
import HTTPTypes
import Hummingbird

/// Azure's compute routes onto `ComputeTargets`: `ComputeTarget.create` with an AKS provisioning
/// configuration declares a local cluster of `agent_count × vm_size` (with the FastProd/DevTest
/// vCPU rules), `ComputeTarget.attach` attaches the Kubernetes cluster whose kubeconfig context is
/// the AKS cluster's name, and detach/delete remove them. Writes go to ARM
/// (`{WS}/computes/<name>`, answered with `Azure-AsyncOperation`); reads go to the resource
/// provider (`/rp/workspaces{WS}/computes`).
struct AzureComputeRoutes<Context: RequestContext> {
    let scope: AzureScope
    let computes: ComputeTargets
    let operations: LongOperations
    /// The router's base URL, whose host the clusters report as their scoring front end.
    let routerURL: @Sendable () -> String?
    /// The kubeconfig `ComputeTarget.attach` picks contexts from.
    var kubeconfig = ServerKubeconfig()

    func add(to router: Router<Context>) {
        router.put(RouterPath(AzureScope.workspace + "/computes/:name")) { request, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            let body = try await JSONBody.decode(JSONValue.self, from: request, what: "compute definition")
            let operation = try await put(name: name, body: body)
            let compute = try await computes.compute(named: name)
            var headers = HTTPFields()
            headers[.azureAsyncOperation] = asyncOperationURL(operation, request: request)
            return try JSONBody.response(payload(compute), status: .created, headers: headers)
        }
        router.get("/armops/:id") { _, context in
            let operation = try await operations.operation(id: try context.parameters.require("id"))
            return try JSONBody.response(AzureComputePayload.asyncOperation(operation))
        }
        router.get(RouterPath(AzureScope.computeReads + "/computes/:name")) { _, context in
            try scope.check(context)
            return try JSONBody.response(
                payload(try await computes.compute(named: try context.parameters.require("name"))))
        }
        router.get(RouterPath(AzureScope.computeReads + "/computes")) { _, context in
            try scope.check(context)
            return try JSONBody.response(["value": .array(try await computes.list().map(payload))] as JSONValue)
        }
        router.post(RouterPath(AzureScope.workspace + "/computes/:name/listKeys")) { _, context in
            try scope.check(context)
            let compute = try await computes.compute(named: try context.parameters.require("name"))
            let config = compute.computeType == .kubernetes ? (try computes.kubeconfigText(of: compute) ?? "") : ""
            return try JSONBody.response(
                [
                    "userKubeConfig": .string(config), "adminKubeConfig": .string(config),
                    "imagePullSecretName": nil, "computeType": "AKS",
                ] as JSONValue)
        }
        router.delete(RouterPath(AzureScope.workspace + "/computes/:name")) { request, context in
            try scope.check(context)
            let name = try context.parameters.require("name")
            let action = request.uri.queryParameters.get("underlyingResourceAction") ?? "Delete"
            guard ["delete", "detach"].contains(action.lowercased()) else {
                throw BerthError.badRequest("underlyingResourceAction must be Delete or Detach, not '\(action)'.")
            }
            let operation = try await operations.run(
                type: action.lowercased() == "detach" ? "DetachCompute" : "DeleteCompute",
                resource: "/api/v1/computes/\(name)"
            ) { log in
                try await computes.remove(named: name)
                log("Compute target '\(name)' removed.")
            }
            var headers = HTTPFields()
            headers[.azureAsyncOperation] = asyncOperationURL(operation, request: request)
            return Response(status: .accepted, headers: headers)
        }
    }

    /// Creates a local cluster, or attaches a Kubernetes cluster when the body names an AKS
    /// `resourceId`.
    private func put(name: String, body: JSONValue) async throws -> BerthCore.Operation {
        let properties = body["properties"] ?? [:]
        let kind = properties["computeType"]?.stringValue ?? "AKS"
        guard kind.lowercased() == "aks" else {
            throw BerthError.badRequest(
                "properties.computeType '\(kind)' is not a compute Berth provides; use AksCompute's "
                    + "provisioning_configuration (a local cluster) or attach_configuration (a Kubernetes cluster).")
        }
        let settings = properties["properties"] ?? [:]
        let ssl = try settings["sslConfiguration"].flatMap { value -> SSLConfigurationRequest? in
            if case .null = value { return nil }
            return try BerthJSON.decode(
                SSLConfigurationRequest.self, from: try BerthJSON.encode(value), what: "sslConfiguration")
        }
        // `AksCompute.update(AksUpdateConfiguration(...))` PUTs the whole resource it read back.
        if let ssl, try await computes.store.compute(named: name) != nil {
            return try await operations.run(type: "UpdateCompute", resource: "/api/v1/computes/\(name)") { log in
                let compute = try await computes.update(named: name, UpdateComputeRequest(sslConfiguration: ssl))
                log(compute.sslConfiguration.map { "TLS on: https://\($0.cname)." } ?? "TLS off.")
            }
        }
        let purpose = settings["clusterPurpose"]?.stringValue
        let description = properties["description"]?.stringValue
        if let resourceID = properties["resourceId"]?.stringValue {
            let cluster = String(resourceID.split(separator: "/").last ?? "")
            let attach = AttachKubernetesRequest(
                name: name, kubeconfig: try kubeconfig.text(forCluster: cluster), context: cluster,
                clusterPurpose: purpose, loadBalancerType: settings["loadBalancerType"]?.stringValue,
                description: description, sslConfiguration: ssl)
            return try await operations.run(type: "AttachCompute", resource: "/api/v1/computes/\(name)") { log in
                _ = try await computes.attachKubernetes(attach, log: log)
            }
        }
        let create = CreateComputeRequest(
            name: name, computeType: "Local", clusterPurpose: purpose,
            agentCount: settings["agentCount"]?.numberValue.map { Int($0) } ?? 3,
            vmSize: settings["agentVmSize"]?.stringValue ?? "Standard_D3_v2", description: description,
            sslConfiguration: ssl)
        return try await operations.run(type: "CreateCompute", resource: "/api/v1/computes/\(name)") { log in
            let compute = try await computes.createLocal(create)
            log("Local cluster '\(compute.name)' is \(compute.provisioningState.rawValue).")
        }
    }

    private func payload(_ compute: ComputeTarget) -> JSONValue {
        let routerHost = routerURL().flatMap { URL(string: $0)?.host }
        return AzureComputePayload.json(compute, identity: scope.identity, routerHost: routerHost)
    }

    private func asyncOperationURL(_ operation: BerthCore.Operation, request: Request) -> String {
        "\(scope.baseURL(of: request))/armops/\(operation.id)?api-version=2021-01-01"
    }
}
