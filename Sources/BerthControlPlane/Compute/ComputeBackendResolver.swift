import BerthBackends
import BerthCore
import BerthKubernetes
import BerthStore
import Logging
import Synchronization

/// The control plane's one `ComputeBackend`: it hands each call to the backend of the
/// deployment's compute target — the local backend, or the `KubernetesBackend` of an attached
/// cluster — so the deploy flow, the autoscaler and the route publisher stay backend-agnostic.
///
/// Where each deployment runs is remembered from its `apply` (or its first look-up after a
/// restart), so the autoscaler's and the observers' many calls do not read the store each time;
/// `remove` forgets it, and a detached cluster's deployments are looked up again.
final class ComputeBackendResolver: ComputeBackend {
    let local: any ComputeBackend
    let store: any MetadataStore
    let clusters: KubernetesClusters
    let logger: Logger
    private let placements = Mutex<[String: Placement]>([:])

    /// Where a deployment runs: this machine, or the attached cluster of that compute target.
    private enum Placement {
        case local
        case cluster(String)
    }

    init(local: any ComputeBackend, store: any MetadataStore, clusters: KubernetesClusters, logger: Logger) {
        self.local = local
        self.store = store
        self.clusters = clusters
        self.logger = logger
    }

    /// The backend of compute target `name` (local when it is not an attached cluster).
    func backend(forCompute name: String) async throws -> any ComputeBackend {
        guard let compute = try await store.compute(named: name), compute.computeType == .kubernetes else {
            return local
        }
        return try clusters.backend(of: compute)
    }

    func backend(forDeployment name: String) async -> any ComputeBackend {
        switch placements.withLock({ $0[name] }) {
        case .local: return local
        case .cluster(let compute): if let backend = clusters.attachedBackend(named: compute) { return backend }
        case nil: break
        }
        do {
            guard let service = try await store.service(named: name) else { return local }
            return try await remember(name, onCompute: service.computeName)
        } catch {
            logger.notice(
                "Could not resolve a deployment's backend",
                metadata: ["deployment.name": "\(name)", "error": "\(error)"])
            return local
        }
    }

    /// The backend of compute target `compute`, remembered as deployment `name`'s.
    private func remember(_ name: String, onCompute compute: String) async throws -> any ComputeBackend {
        let backend = try await backend(forCompute: compute)
        let placement: Placement = backend is KubernetesBackend ? .cluster(compute) : .local
        placements.withLock { $0[name] = placement }
        return backend
    }

    func apply(_ spec: DeploymentSpec) async throws {
        try await remember(spec.name, onCompute: spec.computeName).apply(spec)
    }

    func apply(_ spec: DeploymentSpec, progress: @escaping DeployProgress) async throws {
        try await remember(spec.name, onCompute: spec.computeName).apply(spec, progress: progress)
    }

    func scale(deploymentNamed name: String, to replicas: Int) async throws {
        try await backend(forDeployment: name).scale(deploymentNamed: name, to: replicas)
    }

    func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? {
        await backend(forDeployment: name).replicaCapacity(ofDeployment: name)
    }

    func remove(deploymentNamed name: String) async {
        await backend(forDeployment: name).remove(deploymentNamed: name)
        placements.withLock { $0[name] = nil }
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

    func metrics(ofDeployment name: String) async -> [ReplicaMetricsText] {
        await backend(forDeployment: name).metrics(ofDeployment: name)
    }
}
