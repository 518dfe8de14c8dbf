import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// `/api/v1/services`: deploy (202 + operation), list, show, delete (202), keys, key
/// regeneration and replica logs.
struct ServiceRoutes<Context: RequestContext> {
    let deployer: Deployer
    let store: any MetadataStore
    let backend: any ComputeBackend
    let credentials: ServiceCredentials
    let board: AutoscalerBoard
    /// Scoring URIs of services on attached clusters, read again at each show: a cluster's load
    /// balancer may get its address after the deploy.
    var clusterURIs: ClusterScoringURIs?
    /// Events shown with a service.
    var eventsShown: Int { 10 }

    func add(to router: Router<Context>) {
        router.post("/api/v1/services") { request, _ in
            let body = try await JSONBody.decode(DeployRequest.self, from: request)
            return try JSONBody.accepted(try await deployer.deploy(body))
        }
        router.get("/api/v1/services") { _, _ in
            // Endpoint versions are deployments too, but 'berth endpoint show' is where they are listed.
            try JSONBody.response(
                ListResponse(
                    value: try await store.services().filter { $0.deploymentConfig.computeType != .aksEndpoint }))
        }
        router.get("/api/v1/services/:name") { _, context in
            var service = try await service(context)
            _ = await clusterURIs?.apply(to: &service)
            let events = try await store.scalingEvents(forService: service.name, limit: eventsShown)
            service.autoscaler = board.status(of: service, events: events)
            return try JSONBody.response(service)
        }
        router.patch("/api/v1/services/:name") { request, context in
            let body = try await JSONBody.decode(UpdateServiceRequest.self, from: request)
            return try JSONBody.accepted(try await deployer.update(try context.parameters.require("name"), body))
        }
        router.delete("/api/v1/services/:name") { _, context in
            try JSONBody.accepted(try await deployer.delete(try context.parameters.require("name")))
        }
        router.get("/api/v1/services/:name/keys") { _, context in
            try JSONBody.response(try await credentials.keys(of: try context.parameters.require("name")))
        }
        router.post("/api/v1/services/:name/regenerateKeys") { request, context in
            let body = try await JSONBody.decode(RegenerateKeyRequest.self, from: request)
            return try JSONBody.response(
                try await credentials.regenerate(body, of: try context.parameters.require("name")))
        }
        router.get("/api/v1/services/:name/logs") { request, context in
            let service = try await service(context)
            let query = request.uri.queryParameters
            let lines =
                try query.get("tail").map { text -> Int in
                    guard let value = Int(text), value > 0 else {
                        throw BerthError.badRequest("--num-lines must be a positive whole number, not '\(text)'.")
                    }
                    return value
                } ?? 5000
            let text = try await backend.logs(ofDeployment: service.name, replica: query.get("replica"), lines: lines)
            return try JSONBody.response(["content": text])
        }
    }

    private func service(_ context: Context) async throws -> Webservice {
        try await credentials.service(named: try context.parameters.require("name"))
    }
}
