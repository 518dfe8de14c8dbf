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
    /// Where a deploy whose config says `"computeType": "aksendpoint"` goes: it creates an
    /// endpoint, as `az ml model deploy` does with such a config. Nil refuses those deploys.
    var endpoints: EndpointManager?
    /// Events shown with a service.
    var eventsShown: Int { 10 }

    func add(to router: Router<Context>) {
        router.post("/api/v1/services") { request, _ in
            let body = try await JSONBody.decode(DeployRequest.self, from: request)
            if let endpoints, EndpointManager.createsEndpoint(body) {
                return try JSONBody.accepted(try await endpoints.create(fromDeploy: body))
            }
            return try JSONBody.accepted(try await deployer.deploy(body))
        }
        router.get("/api/v1/services") { request, _ in
            let query = request.uri.queryParameters
            let tags = query.getAll("tag").map { ModelTagFilter(parsing: $0) }
            let properties = query.getAll("property").map { ModelTagFilter(parsing: $0) }
            // Endpoint versions are deployments too, but 'berth endpoint show' is where they are listed.
            let services = try await store.services().filter { service in
                service.deploymentConfig.computeType != .aksEndpoint
                    && tags.allSatisfy { $0.matches(service.kvTags ?? [:]) }
                    && properties.allSatisfy { $0.matches(service.properties ?? [:]) }
            }
            return try JSONBody.response(ListResponse(value: services))
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
            return try JSONBody.accepted(try await deployer.update(try context.parameters.decoded("name"), body))
        }
        router.delete("/api/v1/services/:name") { _, context in
            try JSONBody.accepted(try await deployer.delete(try context.parameters.decoded("name")))
        }
        router.get("/api/v1/services/:name/keys") { _, context in
            try JSONBody.response(try await credentials.keys(of: try context.parameters.decoded("name")))
        }
        router.post("/api/v1/services/:name/regenerateKeys") { request, context in
            let body = try await JSONBody.decode(RegenerateKeyRequest.self, from: request)
            return try JSONBody.response(
                try await credentials.regenerate(body, of: try context.parameters.decoded("name")))
        }
        router.get("/api/v1/services/:name/logs") { request, context in
            let service = try await service(context)
            let query = request.uri.queryParameters
            let lines =
                try query.get("tail").map { text -> Int in
                    guard let value = Int(text), (1...Int(Int32.max)).contains(value) else {
                        throw BerthError.badRequest(
                            "--num-lines (tail) must be a whole number from 1 to \(Int32.max), not '\(text)'.")
                    }
                    return value
                } ?? 5000
            guard try Self.flag(query.get("init"), name: "init") else {
                let text = try await backend.logs(
                    ofDeployment: service.name, replica: query.get("replica"), lines: lines)
                return try JSONBody.response(["content": text])
            }
            // Up to 100000 lines of each replica log are filtered before the tail applies to each part.
            let replicaLogs = try await backend.logs(
                ofDeployment: service.name, replica: query.get("replica"), lines: 100_000)
            let operations = try await store.operations(
                on: "/api/v1/services/\(service.name)", limit: ServiceInitLog.operationsRead)
            return try JSONBody.response([
                "content": ServiceInitLog.render(
                    operations: ServiceInitLog.relevant(operations), replicaLogs: replicaLogs, lines: lines)
            ])
        }
    }

    /// A boolean query parameter as Azure's SDK sends it (`init=True`/`false`); absent is false.
    static func flag(_ text: String?, name: String) throws -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0", "": return false
        default: throw BerthError.badRequest("The query parameter '\(name)' must be true or false, not '\(text)'.")
        }
    }

    private func service(_ context: Context) async throws -> Webservice {
        try await credentials.service(named: try context.parameters.decoded("name"))
    }
}
