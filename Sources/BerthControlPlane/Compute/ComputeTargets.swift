import BerthCore
import BerthStore
import Foundation

/// Creating, listing and removing compute targets. A local cluster is provisioned at once (its
/// capacity is declared, not allocated); a Kubernetes cluster is attached
/// (`ComputeTargets+Kubernetes.swift`).
struct ComputeTargets: Sendable {
    let store: any MetadataStore
    /// The attached clusters' kubeconfigs and backends; nil when Kubernetes is not enabled.
    var clusters: KubernetesClusters? = nil
    /// The compute targets' TLS certificates; nil when this server serves none.
    var certificates: ComputeCertificates? = nil
    /// The router's own URL, for the scoring URIs of services when a compute's TLS changes.
    var routerURL: @Sendable () -> String? = { nil }
    /// Called when what the router must know changed (a compute's TLS).
    var routesChanged: @Sendable () -> Void = {}
    /// Records new scoring and swagger URIs of a service (name, scoring, swagger): the status
    /// observer's, which alone writes services' status.
    var setURIs: @Sendable (String, String?, String?) async throws -> Void = { _, _, _ in }

    /// Creates a local cluster after the name and purpose/capacity checks.
    func createLocal(_ request: CreateComputeRequest) async throws -> ComputeTarget {
        try NameKind.computeTarget.validate(request.name)
        if let kind = request.computeType, kind.lowercased() != "local" {
            throw BerthError.badRequest(
                "computeType '\(kind)' cannot be created: 'create' makes Local clusters; Kubernetes clusters are attached with 'berth computetarget attach kubernetes'."
            )
        }
        let purpose = try request.clusterPurpose.map(ClusterPurpose.init(parsing:)) ?? .fastProd
        let capacity = try ClusterSizing.capacity(
            purpose: purpose, agentCount: request.agentCount, vmSize: request.vmSize, cores: request.cores,
            memoryInGB: request.memoryInGB)
        var compute = ComputeTarget(
            name: request.name, computeType: .local, clusterPurpose: purpose, provisioningState: .creating,
            description: request.description, capacity: capacity,
            machineCores: ProcessInfo.processInfo.activeProcessorCount,
            machineMemoryInGB: (Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824 * 10).rounded() / 10)
        try await store.insertCompute(compute)
        if let ssl = request.sslConfiguration {
            do {
                compute.sslConfiguration = try tlsCertificates(for: compute).apply(ssl, to: compute)?.configuration
            } catch {
                try await store.deleteCompute(named: compute.name)
                throw error
            }
        }
        // A local cluster needs nothing allocated: its replicas are processes started on demand.
        compute.provisioningState = .succeeded
        compute.modifiedOn = Date()
        try await store.updateCompute(compute)
        return compute
    }

    func list() async throws -> [ComputeTarget] {
        try await store.computes()
    }

    func compute(named name: String) async throws -> ComputeTarget {
        guard let compute = try await store.compute(named: name) else {
            throw BerthError.notFound(
                "Compute target '\(name)' does not exist in this workspace. 'berth computetarget list' shows them.")
        }
        return compute
    }

    /// Removes a compute target; refused while services run on it. An attached Kubernetes
    /// cluster is detached (with `force`, its services go too).
    func remove(named name: String, force: Bool = false) async throws {
        let compute = try await compute(named: name)
        if compute.computeType == .kubernetes { return try await detachKubernetes(compute, force: force) }
        try await store.deleteCompute(named: name)
        certificates?.remove(computeNamed: name)
    }
}
