internal import BerthAPITypes
import BerthCore
internal import Foundation

/// Typed calls per resource.
extension ControlPlaneClient {
    // MARK: Models

    public func registerModel(_ request: RegisterModelRequest) async throws -> Model {
        try await call { try await $0.registerModel(body: .json(request.checkedConversion())).created.body.json }
            .converted()
    }

    public func models(name: String? = nil, tag: String? = nil) async throws -> [Model] {
        try await call { try await $0.listModels(query: .init(name: name, tag: tag)).ok.body.json.value }.converted()
    }

    /// A model by `name:version`, or by `name` for the latest version.
    public func model(id: String) async throws -> Model {
        try await call { try await $0.getModel(path: .init(id: id)).ok.body.json }.converted()
    }

    public func deleteModel(id: String) async throws {
        _ = try await call { try await $0.deleteModel(path: .init(id: id)).ok }
    }

    // MARK: Compute targets

    /// Creates a local cluster and waits for its operation; returns the cluster.
    public func createCompute(_ request: CreateComputeRequest) async throws -> ComputeTarget {
        let request = try request.normalized()
        let operation = try await call {
            try await $0.createCompute(body: .json(request.checkedConversion())).accepted.body.json
        }
        _ = try await waitForOperation(id: operation.id)
        return try await compute(named: request.name)
    }

    public func computes() async throws -> [ComputeTarget] {
        try await call { try await $0.listComputes().ok.body.json.value }.converted()
    }

    public func compute(named name: String) async throws -> ComputeTarget {
        try await call { try await $0.getCompute(path: .init(name: name)).ok.body.json }.converted()
    }

    /// Changes a compute target (the TLS of its scoring); returns it as it is now.
    public func updateCompute(named name: String, _ request: UpdateComputeRequest) async throws -> ComputeTarget {
        try request.sslConfiguration?.checkShape()
        return try await call {
            try await $0.updateCompute(path: .init(name: name), body: .json(request.checkedConversion())).ok.body.json
        }.converted()
    }

    /// Deletes (or, for attached clusters, detaches) a compute target.
    public func deleteCompute(named name: String, action: String = "delete") async throws {
        try await deleteCompute(named: name, query: .init(underlyingResourceAction: .init(rawValue: action)))
    }

    func deleteCompute(named name: String, query: Operations.DeleteCompute.Input.Query) async throws {
        _ = try await call { try await $0.deleteCompute(path: .init(name: name), query: query).ok }
    }

    // MARK: Operations

    /// Operation `id` with its log from line `offset`; with `waitMs`, the server answers when
    /// there is something new or after that long (a long-poll).
    public func operation(id: String, offset: Int? = nil, waitMs: Int? = nil) async throws -> BerthCore.Operation {
        try await call {
            try await $0.getOperation(path: .init(id: id), query: .init(offset: offset, waitMs: waitMs)).ok.body.json
        }.converted()
    }

    /// Follows an operation until it ends, handing each new log line to `onLog` as the server
    /// records it (long-polls of `waitMs`); throws the operation's error when it did not succeed.
    public func waitForOperation(
        id: String, waitMs: Int = 10_000, onLog: (OperationLogEntry) -> Void = { _ in }
    ) async throws -> BerthCore.Operation {
        var offset = 0
        while true {
            let operation = try await operation(id: id, offset: offset, waitMs: waitMs)
            operation.log.forEach(onLog)
            offset += operation.log.count
            if operation.isFinished {
                if operation.state == .succeeded { return operation }
                let detail = operation.error
                throw BerthError(
                    BerthError.Code(detail?.code ?? "InternalError"),
                    detail?.message ?? "Operation \(id) ended \(operation.state.rawValue).")
            }
        }
    }
}
