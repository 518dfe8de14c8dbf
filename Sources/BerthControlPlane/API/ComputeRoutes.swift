import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// `/api/v1/computes`: create (local) / attach (Kubernetes), list, show, update (TLS), delete or
/// detach.
struct ComputeRoutes<Context: RequestContext> {
    let computes: ComputeTargets
    let operations: Operations

    func add(to router: Router<Context>) {
        router.post("/api/v1/computes") { request, _ in
            let body = try await JSONBody.decode(CreateComputeRequest.self, from: request)
            try body.sslConfiguration?.checkShape()
            if body.computeType?.lowercased() == "kubernetes" {
                throw BerthError.badRequest(
                    "Kubernetes clusters are attached, not created: 'berth computetarget attach kubernetes -n NAME --kubeconfig PATH' (POST /api/v1/computes/attach)."
                )
            }
            let operation = try await operations.run(
                type: "CreateCompute", resource: "/api/v1/computes/\(body.name)"
            ) { log in
                let compute = try await computes.createLocal(body)
                log("Local cluster '\(compute.name)' is \(compute.provisioningState.rawValue).")
            }
            return try JSONBody.accepted(operation)
        }
        router.post("/api/v1/computes/attach") { request, _ in
            let body = try await JSONBody.decode(AttachKubernetesRequest.self, from: request)
            try body.sslConfiguration?.checkShape()
            let operation = try await operations.run(
                type: "AttachCompute", resource: "/api/v1/computes/\(body.name)"
            ) { log in
                _ = try await computes.attachKubernetes(body, log: log)
            }
            return try JSONBody.accepted(operation)
        }
        router.get("/api/v1/computes") { _, _ in
            try JSONBody.response(ListResponse(value: try await computes.list()))
        }
        router.get("/api/v1/computes/:name") { _, context in
            try JSONBody.response(try await computes.compute(named: try context.parameters.decoded("name")))
        }
        router.patch("/api/v1/computes/:name") { request, context in
            let body = try await JSONBody.decode(UpdateComputeRequest.self, from: request)
            try body.sslConfiguration?.checkShape()
            return try JSONBody.response(
                try await computes.update(named: try context.parameters.decoded("name"), body))
        }
        router.delete("/api/v1/computes/:name") { request, context in
            let name = try context.parameters.decoded("name")
            let action = request.uri.queryParameters.get("underlyingResourceAction") ?? "delete"
            guard action == "delete" || action == "detach" else {
                throw BerthError.badRequest("underlyingResourceAction must be 'delete' or 'detach', not '\(action)'.")
            }
            try await computes.remove(
                named: name, force: request.uri.queryParameters.get("force").map { $0 == "true" } ?? false)
            return try JSONBody.response(["name": name, "provisioningState": "Deleted"])
        }
    }
}
