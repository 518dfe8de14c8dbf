import BerthCore

extension ControlPlaneClient {
    /// Attaches a Kubernetes cluster (`POST /api/v1/computes/attach`), waits for the operation,
    /// printing its log through `onLog`, and returns the compute target.
    public func attachKubernetes(
        _ request: AttachKubernetesRequest, onLog: (OperationLogEntry) -> Void = { _ in }
    ) async throws -> ComputeTarget {
        let operation = try await send(.POST, "/api/v1/computes/attach", body: request, as: BerthCore.Operation.self)
        _ = try await waitForOperation(id: operation.id, onLog: onLog)
        return try await compute(named: request.name)
    }

    /// Detaches an attached cluster; `force` also removes the services still deployed on it.
    public func detachKubernetes(named name: String, force: Bool) async throws {
        _ = try await send(
            .DELETE, "/api/v1/computes/\(Self.escape(name))?underlyingResourceAction=detach&force=\(force)",
            as: [String: String].self)
    }
}
