import BerthAPITypes
import BerthCore

/// `/api/v1/computes`: create (local) / attach (Kubernetes), list, show, update (TLS), delete or
/// detach.
extension ControlPlaneAPI {
    func createCompute(_ input: Operations.CreateCompute.Input) async throws -> Operations.CreateCompute.Output {
        let body: CreateComputeRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        try Self.checkCreate(body)
        let operation = try await operations.run(type: "CreateCompute", resource: "/api/v1/computes/\(body.name)") {
            log in
            let compute = try await computes.createLocal(body)
            log("Local cluster '\(compute.name)' is \(compute.provisioningState.rawValue).")
        }
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    /// What a create request must be before anything is made; also explains a body the
    /// generated types refuse (`APIRequestBody`).
    static func checkCreate(_ body: CreateComputeRequest) throws {
        _ = try body.normalized()
        if body.computeType?.lowercased() == "kubernetes" {
            throw BerthError.badRequest(
                "Kubernetes clusters are attached, not created: 'berth computetarget attach kubernetes -n NAME --kubeconfig PATH' (POST /api/v1/computes/attach)."
            )
        }
    }

    func attachCompute(_ input: Operations.AttachCompute.Input) async throws -> Operations.AttachCompute.Output {
        let body: AttachKubernetesRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        try body.sslConfiguration?.checkShape()
        let operation = try await operations.run(type: "AttachCompute", resource: "/api/v1/computes/\(body.name)") {
            log in
            _ = try await computes.attachKubernetes(body, log: log)
        }
        return .accepted(
            .init(
                headers: .init(operationLocation: Self.location(of: operation)),
                body: .json(try operation.checkedConversion())))
    }

    func listComputes(_ input: Operations.ListComputes.Input) async throws -> Operations.ListComputes.Output {
        .ok(.init(body: .json(try ListResponse(value: try await computes.list()).checkedConversion())))
    }

    func getCompute(_ input: Operations.GetCompute.Input) async throws -> Operations.GetCompute.Output {
        .ok(.init(body: .json(try await computes.compute(named: input.path.name).checkedConversion())))
    }

    func updateCompute(_ input: Operations.UpdateCompute.Input) async throws -> Operations.UpdateCompute.Output {
        let body: UpdateComputeRequest =
            switch input.body {
            case .json(let json): try json.converted(what: "request body")
            }
        try body.sslConfiguration?.checkShape()
        return .ok(.init(body: .json(try await computes.update(named: input.path.name, body).checkedConversion())))
    }

    func deleteCompute(_ input: Operations.DeleteCompute.Input) async throws -> Operations.DeleteCompute.Output {
        let name = input.path.name
        try await computes.remove(named: name, force: input.query.force ?? false)
        return .ok(.init(body: .json(try ["name": name, "provisioningState": "Deleted"].checkedConversion())))
    }
}
