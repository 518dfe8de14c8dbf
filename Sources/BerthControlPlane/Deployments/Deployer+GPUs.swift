import BerthCore
import BerthStore

extension Deployer {
    /// Refuses a deploy or update whose `gpuCores` a local cluster cannot give (it declares no
    /// GPUs, fewer than a replica needs, or the others hold them), before anything is stored or
    /// started, so a refusal changes nothing. Kubernetes clusters are left to their own scheduler,
    /// which places `nvidia.com/gpu` against the nodes' real GPUs.
    ///
    /// - Throws: `BerthError` with code `InsufficientCapacity` (422) and the numbers.
    func checkGPUs(service name: String, config: DeploymentConfig, on compute: ComputeTarget) async throws {
        let gpuCores = config.containerResourceRequirements.gpu
        guard gpuCores > 0, compute.computeType == .local else { return }
        var holders: [(name: String, gpus: Int)] = []
        for other in try await store.services()
        where other.name != name && other.computeName == compute.name && other.holdsReplicas {
            let gpus = other.deploymentConfig.containerResourceRequirements.gpu * other.desiredReplicas
            if gpus > 0 { holders.append((other.name, gpus)) }
        }
        if let refusal = GPUPlacement.refusal(
            service: name, gpuCores: gpuCores, replicas: Webservice.initialReplicas(for: config),
            cluster: compute.name, declared: compute.capacity.gpus ?? 0, holders: holders)
        {
            throw refusal
        }
    }
}

extension Webservice {
    /// Whether its replicas run or are meant to (a failed or unschedulable deploy holds nothing).
    fileprivate var holdsReplicas: Bool {
        state != .failed && state != .unschedulable && state != .deleting
    }
}
