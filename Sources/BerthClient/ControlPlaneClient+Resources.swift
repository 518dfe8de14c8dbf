import BerthCore
import Foundation

/// Typed calls per resource.
extension ControlPlaneClient {
    // MARK: Models

    public func registerModel(_ request: RegisterModelRequest) async throws -> Model {
        try await send(.POST, "/api/v1/models", body: request)
    }

    public func models(name: String? = nil, tag: String? = nil) async throws -> [Model] {
        var query: [String] = []
        if let name { query.append("name=\(Self.escape(name))") }
        if let tag { query.append("tag=\(Self.escape(tag))") }
        let suffix = query.isEmpty ? "" : "?" + query.joined(separator: "&")
        return try await send(.GET, "/api/v1/models" + suffix, as: ListResponse<Model>.self).value
    }

    /// A model by `name:version`, or by `name` for the latest version.
    public func model(id: String) async throws -> Model {
        try await send(.GET, "/api/v1/models/\(Self.escape(id))")
    }

    public func deleteModel(id: String) async throws {
        _ = try await send(.DELETE, "/api/v1/models/\(Self.escape(id))", as: [String: String].self)
    }

    // MARK: Compute targets

    /// Creates a local cluster and waits for its operation; returns the cluster.
    public func createCompute(_ request: CreateComputeRequest) async throws -> ComputeTarget {
        let operation = try await send(.POST, "/api/v1/computes", body: request, as: BerthCore.Operation.self)
        _ = try await waitForOperation(id: operation.id)
        return try await compute(named: request.name)
    }

    public func computes() async throws -> [ComputeTarget] {
        try await send(.GET, "/api/v1/computes", as: ListResponse<ComputeTarget>.self).value
    }

    public func compute(named name: String) async throws -> ComputeTarget {
        try await send(.GET, "/api/v1/computes/\(Self.escape(name))")
    }

    /// Changes a compute target (the TLS of its scoring); returns it as it is now.
    public func updateCompute(named name: String, _ request: UpdateComputeRequest) async throws -> ComputeTarget {
        try await send(.PATCH, "/api/v1/computes/\(Self.escape(name))", body: request)
    }

    /// Deletes (or, for attached clusters, detaches) a compute target.
    public func deleteCompute(named name: String, action: String = "delete") async throws {
        _ = try await send(
            .DELETE, "/api/v1/computes/\(Self.escape(name))?underlyingResourceAction=\(action)",
            as: [String: String].self)
    }

    // MARK: Operations

    /// Operation `id` with its log from line `offset`; with `waitMs`, the server answers when
    /// there is something new or after that long (a long-poll).
    public func operation(id: String, offset: Int? = nil, waitMs: Int? = nil) async throws -> BerthCore.Operation {
        let query = [offset.map { "offset=\($0)" }, waitMs.map { "waitMs=\($0)" }].compactMap { $0 }
        return try await send(
            .GET, "/api/v1/operations/\(Self.escape(id))" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
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

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=#")))
            ?? text
    }
}
