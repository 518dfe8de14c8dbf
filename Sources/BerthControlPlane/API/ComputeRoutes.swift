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
            try Self.checkShape(of: body.sslConfiguration)
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
            try Self.checkShape(of: body.sslConfiguration)
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
            try Self.checkShape(of: body.sslConfiguration)
            return try JSONBody.response(
                try await computes.update(named: try context.parameters.decoded("name"), body))
        }
        router.delete("/api/v1/computes/:name") { request, context in
            let name = try context.parameters.decoded("name")
            let action = request.uri.queryParameters.get("underlyingResourceAction") ?? "delete"
            guard action == "delete" || action == "detach" else {
                throw BerthError.badRequest("underlyingResourceAction must be 'delete' or 'detach', not '\(action)'.")
            }
            let force = request.uri.queryParameters.get("force") ?? "false"
            guard force == "true" || force == "false" else {
                throw BerthError.badRequest("force must be 'true' or 'false', not '\(force)'.")
            }
            try await computes.remove(named: name, force: force == "true")
            return try JSONBody.response(["name": name, "provisioningState": "Deleted"])
        }
    }

    /// Holds `sslConfiguration` to one of the four shapes `openapi/berth.json` gives it (enable
    /// with cname, cert and key; `Auto` with leafDomainLabel; renew; `Disabled`) before
    /// `SSLConfigurationRequest.change()`, which is lenient for the Azure dialect, reads it.
    static func checkShape(of ssl: SSLConfigurationRequest?) throws {
        guard let ssl else { return }
        func given(_ text: String?) -> Bool { !(text ?? "").isEmpty }
        switch ssl.status {
        case "Disabled"?: return
        case "Enabled"?:
            guard given(ssl.cname), given(ssl.cert), given(ssl.key) else {
                // Azure's message, as `SSLConfigurationRequest.change()` words it.
                throw BerthError.badRequest(
                    "Invalid configuration, not all ssl information provided. To enable SSL validation please "
                        + "provide the cname, cert pem file, and key pem file.")
            }
        case "Auto"?:
            guard given(ssl.leafDomainLabel) else {
                throw BerthError.badRequest(
                    "sslConfiguration with status 'Auto' needs leafDomainLabel (--ssl-leaf-domain-label).")
            }
        case nil:
            guard ssl.renew == true else {
                throw BerthError.badRequest(
                    "sslConfiguration needs a status ('Enabled', 'Auto' or 'Disabled'), or renew: true (--ssl-renew).")
            }
        case let status?:
            throw BerthError.badRequest(
                "sslConfiguration.status must be 'Enabled', 'Auto' or 'Disabled', not '\(status)'.")
        }
    }
}
