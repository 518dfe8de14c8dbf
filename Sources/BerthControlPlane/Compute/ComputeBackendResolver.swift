import BerthBackends
import BerthCore
import BerthStore
import Logging

/// The control plane's one `ComputeBackend`: it hands each call to the backend of the
/// deployment's compute target — the local backend, or the `KubernetesBackend` of an attached
/// cluster — so the deploy flow, the autoscaler and the route publisher stay backend-agnostic.
struct ComputeBackendResolver: ComputeBackend {
    let local: any ComputeBackend
    let store: any MetadataStore
    let clusters: KubernetesClusters
    let logger: Logger

    /// The backend of compute target `name` (local when it is not an attached cluster).
    func backend(forCompute name: String) async throws -> any ComputeBackend {
        guard let compute = try await store.compute(named: name), compute.computeType == .kubernetes else {
            return local
        }
        return try clusters.backend(of: compute)
    }

    func backend(forDeployment name: String) async -> any ComputeBackend {
        do {
            guard let service = try await store.service(named: name) else { return local }
            return try await backend(forCompute: service.computeName)
        } catch {
            logger.notice(
                "Could not resolve a deployment's backend",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return local
        }
    }

    func apply(_ spec: DeploymentSpec) async throws {
        try await backend(forCompute: spec.computeName).apply(spec)
    }

    func apply(_ spec: DeploymentSpec, progress: @escaping DeployProgress) async throws {
        try await backend(forCompute: spec.computeName).apply(spec, progress: progress)
    }

    func scale(deploymentNamed name: String, to replicas: Int) async throws {
        try await backend(forDeployment: name).scale(deploymentNamed: name, to: replicas)
    }

    func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? {
        await backend(forDeployment: name).replicaCapacity(ofDeployment: name)
    }

    func remove(deploymentNamed name: String) async {
        await backend(forDeployment: name).remove(deploymentNamed: name)
        // The Pods are gone: their artifact token reads nothing any more.
        do {
            try clusters.artifactGrants.revoke(deployment: name)
        } catch {
            logger.warning(
                "Could not revoke a deployment's artifact token",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
        }
    }

    func status(ofDeployment name: String) async -> DeploymentStatus? {
        await backend(forDeployment: name).status(ofDeployment: name)
    }

    func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String {
        try await backend(forDeployment: name).logs(ofDeployment: name, replica: replica, lines: lines)
    }
}
