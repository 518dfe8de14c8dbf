import BerthCore
import Hummingbird

/// `/api/v1/endpoints`: create (202 + the first version's deploy operation), list, show, update
/// (auth, description), delete,
/// versions (`/versions/<v>`: create 202, PATCH traffic and roles, delete), keys, key
/// regeneration, tokens and per-version metrics.
struct EndpointRoutes<Context: RequestContext> {
    let manager: EndpointManager
    let metrics: @Sendable (Duration) -> [String: [EndpointVersionMetrics]]

    func add(to router: Router<Context>) {
        router.post("/api/v1/endpoints") { request, _ in
            let body = try await JSONBody.decode(CreateEndpointRequest.self, from: request)
            return try JSONBody.accepted(try await manager.create(body))
        }
        router.get("/api/v1/endpoints") { _, _ in
            try JSONBody.response(ListResponse(value: try await manager.list()))
        }
        router.get("/api/v1/endpoints/:name") { _, context in
            try JSONBody.response(
                await manager.presented(try await manager.endpoint(named: try context.parameters.decoded("name"))))
        }
        router.patch("/api/v1/endpoints/:name") { request, context in
            let body = try await JSONBody.decode(EndpointUpdate.self, from: request)
            return try JSONBody.response(try await manager.update(try context.parameters.decoded("name"), body))
        }
        router.delete("/api/v1/endpoints/:name") { _, context in
            try JSONBody.response(ListResponse(value: try await manager.delete(try context.parameters.decoded("name"))))
        }
        router.post("/api/v1/endpoints/:name/versions") { request, context in
            let body = try await JSONBody.decode(EndpointVersionRequest.self, from: request)
            return try JSONBody.accepted(
                try await manager.createVersion(body, endpoint: try context.parameters.decoded("name")))
        }
        router.patch("/api/v1/endpoints/:name/versions/:version") { request, context in
            let body = try await JSONBody.decode(EndpointVersionUpdate.self, from: request)
            return try JSONBody.response(
                try await manager.updateVersion(
                    try context.parameters.decoded("version"), endpoint: try context.parameters.decoded("name"), body))
        }
        router.delete("/api/v1/endpoints/:name/versions/:version") { _, context in
            let operation = try await manager.deleteVersion(
                try context.parameters.decoded("version"), endpoint: try context.parameters.decoded("name"))
            return try JSONBody.response(ListResponse(value: operation.map { [$0] } ?? []))
        }
        router.get("/api/v1/endpoints/:name/keys") { _, context in
            try JSONBody.response(try await manager.keys(forEndpoint: try context.parameters.decoded("name")))
        }
        router.post("/api/v1/endpoints/:name/regenerateKeys") { request, context in
            let body = try await JSONBody.decode(RegenerateKeyRequest.self, from: request)
            return try JSONBody.response(
                try await manager.regenerateKey(body, forEndpoint: try context.parameters.decoded("name")))
        }
        router.post("/api/v1/endpoints/:name/token") { _, context in
            try JSONBody.response(try await manager.token(forEndpoint: try context.parameters.decoded("name")))
        }
        router.get("/api/v1/endpoints/:name/metrics") { request, context in
            let endpoint = try await manager.endpoint(named: try context.parameters.decoded("name"))
            let seconds =
                try request.uri.queryParameters.get("window").map { text -> Int in
                    guard let value = Int(text), (1...300).contains(value) else {
                        throw BerthError.badRequest(
                            "--window must be a whole number of seconds from 1 to 300, not '\(text)'.")
                    }
                    return value
                } ?? 60
            let measured = metrics(.seconds(seconds))[endpoint.name] ?? []
            let rows = endpoint.versions.map { version in
                measured.first { $0.version == version.name }
                    ?? EndpointVersionMetrics(version: version.name, windowSeconds: seconds)
            }
            return try JSONBody.response(ListResponse(value: rows))
        }
    }
}
