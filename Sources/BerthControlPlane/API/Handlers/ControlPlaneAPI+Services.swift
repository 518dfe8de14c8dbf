import BerthAPITypes
import BerthBackends
import BerthCore
import BerthStore

/// `/api/v1/services`: deploy (202 + operation), list, show, update and delete (202), keys, key
/// regeneration, replica logs and tokens.
extension ControlPlaneAPI {
    /// Events shown with a service.
    static var eventsShown: Int { 10 }

    func deployService(_ input: Operations.DeployService.Input) async throws -> Operations.DeployService.Output {
        let body: DeployRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let operation =
            EndpointManager.createsEndpoint(body)
            ? try await endpoints.create(fromDeploy: body) : try await deployer.deploy(body)
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func listServices(_ input: Operations.ListServices.Input) async throws -> Operations.ListServices.Output {
        let tags = (input.query.tag ?? []).map { ModelTagFilter(parsing: $0) }
        let properties = (input.query.property ?? []).map { ModelTagFilter(parsing: $0) }
        // Endpoint versions are deployments too, but 'berth endpoint show' is where they are listed.
        let services = try await store.services().filter { service in
            service.deploymentConfig.computeType != .aksEndpoint
                && tags.allSatisfy { $0.matches(service.kvTags ?? [:]) }
                && properties.allSatisfy { $0.matches(service.properties ?? [:]) }
        }
        return .ok(.init(body: .json(try ListResponse(value: services).checkedConversion())))
    }

    func getService(_ input: Operations.GetService.Input) async throws -> Operations.GetService.Output {
        var service = try await credentials.service(named: input.path.name)
        _ = await clusterURIs.apply(to: &service)
        let events = try await store.scalingEvents(forService: service.name, limit: Self.eventsShown)
        service.autoscaler = board.status(of: service, events: events)
        return .ok(.init(body: .json(try service.checkedConversion())))
    }

    func updateService(_ input: Operations.UpdateService.Input) async throws -> Operations.UpdateService.Output {
        let body: UpdateServiceRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        let operation = try await deployer.update(input.path.name, body)
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func deleteService(_ input: Operations.DeleteService.Input) async throws -> Operations.DeleteService.Output {
        let operation = try await deployer.delete(input.path.name)
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func getServiceKeys(_ input: Operations.GetServiceKeys.Input) async throws -> Operations.GetServiceKeys.Output {
        .ok(.init(body: .json(try await credentials.keys(of: input.path.name).checkedConversion())))
    }

    func regenerateServiceKey(_ input: Operations.RegenerateServiceKey.Input) async throws
        -> Operations.RegenerateServiceKey.Output
    {
        let body: RegenerateKeyRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        return .ok(.init(body: .json(try await credentials.regenerate(body, of: input.path.name).checkedConversion())))
    }

    /// The tail of the replicas' logs; with `init`, the last deploy's log and each replica's start-up.
    func getServiceLogs(_ input: Operations.GetServiceLogs.Input) async throws -> Operations.GetServiceLogs.Output {
        let service = try await credentials.service(named: input.path.name)
        let lines = input.query.tail ?? 5000
        guard (1...Int(Int32.max)).contains(lines) else {
            throw BerthError.badRequest(
                "--num-lines (tail) must be a whole number from 1 to \(Int32.max), not '\(lines)'.")
        }
        let replica = input.query.replica
        guard input.query._init ?? false else {
            let text = try await backend.logs(ofDeployment: service.name, replica: replica, lines: lines)
            return .ok(.init(body: .json(.init(content: text))))
        }
        // Up to 100000 lines of each replica log are filtered before the tail applies to each part.
        let replicaLogs = try await backend.logs(ofDeployment: service.name, replica: replica, lines: 100_000)
        let operations = try await store.operations(
            on: "/api/v1/services/\(service.name)", limit: ServiceInitLog.operationsRead)
        let text = ServiceInitLog.render(
            operations: ServiceInitLog.relevant(operations), replicaLogs: replicaLogs, lines: lines)
        return .ok(.init(body: .json(.init(content: text))))
    }
}
