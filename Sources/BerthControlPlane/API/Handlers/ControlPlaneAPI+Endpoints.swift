import BerthAPITypes
import BerthCore

/// `/api/v1/endpoints`: create (202 + the first version's deploy operation), list, show, update
/// (auth, description), delete, versions (`/versions/<v>`: create 202, PATCH traffic and roles,
/// delete), keys, key regeneration, tokens and per-version metrics.
extension ControlPlaneAPI {
    func createEndpoint(_ input: Operations.CreateEndpoint.Input) async throws -> Operations.CreateEndpoint.Output {
        let body: CreateEndpointRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let operation = try await endpoints.create(body)
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func listEndpoints(_ input: Operations.ListEndpoints.Input) async throws -> Operations.ListEndpoints.Output {
        .ok(.init(body: .json(try ListResponse(value: try await endpoints.list()).checkedConversion())))
    }

    func getEndpoint(_ input: Operations.GetEndpoint.Input) async throws -> Operations.GetEndpoint.Output {
        let endpoint = await endpoints.presented(try await endpoints.endpoint(named: input.path.name))
        return .ok(.init(body: .json(try endpoint.checkedConversion())))
    }

    func updateEndpoint(_ input: Operations.UpdateEndpoint.Input) async throws -> Operations.UpdateEndpoint.Output {
        let body: EndpointUpdate =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        return .ok(.init(body: .json(try await endpoints.update(input.path.name, body).checkedConversion())))
    }

    func deleteEndpoint(_ input: Operations.DeleteEndpoint.Input) async throws -> Operations.DeleteEndpoint.Output {
        let operations = try await endpoints.delete(input.path.name)
        return .ok(.init(body: .json(try ListResponse(value: operations).checkedConversion())))
    }

    func createEndpointVersion(_ input: Operations.CreateEndpointVersion.Input) async throws
        -> Operations.CreateEndpointVersion.Output
    {
        let body: EndpointVersionRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let operation = try await endpoints.createVersion(body, endpoint: input.path.name)
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func updateEndpointVersion(_ input: Operations.UpdateEndpointVersion.Input) async throws
        -> Operations.UpdateEndpointVersion.Output
    {
        let body: EndpointVersionUpdate =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let endpoint = try await endpoints.updateVersion(input.path.version, endpoint: input.path.name, body)
        return .ok(.init(body: .json(try endpoint.checkedConversion())))
    }

    func deleteEndpointVersion(_ input: Operations.DeleteEndpointVersion.Input) async throws
        -> Operations.DeleteEndpointVersion.Output
    {
        let operation = try await endpoints.deleteVersion(input.path.version, endpoint: input.path.name)
        return .ok(.init(body: .json(try ListResponse(value: operation.map { [$0] } ?? []).checkedConversion())))
    }

    func getEndpointKeys(_ input: Operations.GetEndpointKeys.Input) async throws -> Operations.GetEndpointKeys.Output {
        .ok(.init(body: .json(try await endpoints.keys(forEndpoint: input.path.name).checkedConversion())))
    }

    func regenerateEndpointKey(_ input: Operations.RegenerateEndpointKey.Input) async throws
        -> Operations.RegenerateEndpointKey.Output
    {
        let body: RegenerateKeyRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let keys = try await endpoints.regenerateKey(body, forEndpoint: input.path.name)
        return .ok(.init(body: .json(try keys.checkedConversion())))
    }

    func getEndpointToken(_ input: Operations.GetEndpointToken.Input) async throws
        -> Operations.GetEndpointToken.Output
    {
        .ok(.init(body: .json(try await endpoints.token(forEndpoint: input.path.name).checkedConversion())))
    }

    func getEndpointMetrics(_ input: Operations.GetEndpointMetrics.Input) async throws
        -> Operations.GetEndpointMetrics.Output
    {
        let endpoint = try await endpoints.endpoint(named: input.path.name)
        let seconds = input.query.window ?? 60
        guard (1...300).contains(seconds) else {
            throw BerthError.badRequest("--window must be a whole number of seconds from 1 to 300, not '\(seconds)'.")
        }
        let measured = metrics(.seconds(seconds))[endpoint.name] ?? []
        let rows = endpoint.versions.map { version in
            measured.first { $0.version == version.name }
                ?? EndpointVersionMetrics(version: version.name, windowSeconds: seconds)
        }
        return .ok(.init(body: .json(try ListResponse(value: rows).checkedConversion())))
    }
}
