internal import BerthAPITypes
import BerthCore

extension ControlPlaneClient {
    /// Attaches a Kubernetes cluster (`POST /api/v1/computes/attach`), waits for the operation,
    /// printing its log through `onLog`, and returns the compute target.
    public func attachKubernetes(
        _ request: AttachKubernetesRequest, onLog: (OperationLogEntry) -> Void = { _ in }
    ) async throws -> ComputeTarget {
        let request = try request.normalized()
        let operation = try await call {
            try await $0.attachCompute(body: .json(request.checkedConversion())).accepted.body.json
        }
        _ = try await waitForOperation(id: operation.id, onLog: onLog)
        return try await compute(named: request.name)
    }

    /// Detaches an attached cluster; `force` also removes the services still deployed on it.
    public func detachKubernetes(named name: String, force: Bool) async throws {
        try await deleteCompute(named: name, query: .init(underlyingResourceAction: .detach, force: force))
    }
}
