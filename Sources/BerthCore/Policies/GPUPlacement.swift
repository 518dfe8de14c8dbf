/// How `gpuCores` is placed on a local cluster: against the GPUs the cluster declares (its VM
/// size's GPUs per agent, `ClusterCapacity.gpus`), as AKS schedules `nvidia.com/gpu`, so a deploy
/// that would not get its GPUs on Azure does not get them here either.
///
/// GPUs are numbered `0..<declared`; each replica holds whole GPUs from its start until it stops,
/// and learns them from `CUDA_VISIBLE_DEVICES`. Two replicas never hold the same GPU.
public struct GPUPlacement: Sendable, Hashable {
    /// GPUs the cluster declares.
    public var declared: Int
    /// Indices held by replicas already placed.
    public var taken: Set<Int>

    public init(declared: Int, taken: Set<Int> = []) {
        self.declared = declared
        self.taken = taken
    }

    /// GPUs not held by any replica.
    public var free: Int { (0..<max(0, declared)).filter { !taken.contains($0) }.count }

    /// The `count` lowest free GPU indices, or nil when fewer than `count` are free.
    public func pick(_ count: Int) -> [Int]? {
        guard count > 0 else { return [] }
        let free = (0..<max(0, declared)).filter { !taken.contains($0) }
        return free.count >= count ? Array(free.prefix(count)) : nil
    }

    /// The value of `CUDA_VISIBLE_DEVICES` for a replica holding `indices`: `0,1`; empty for none,
    /// which hides every GPU, as a container without a GPU request sees none.
    public static func visibleDevices(_ indices: [Int]) -> String {
        indices.map(String.init).joined(separator: ",")
    }

    /// Why a deploy of `replicas` replicas with `gpuCores` GPUs each cannot be placed, or nil when
    /// it can.
    ///
    /// - Parameters:
    ///   - service: the service (or endpoint version deployment) being deployed.
    ///   - cluster: the compute target's name, for the message.
    ///   - holders: the other deployments on the cluster that hold GPUs, with how many.
    public static func refusal(
        service: String, gpuCores: Int, replicas: Int, cluster: String, declared: Int,
        holders: [(name: String, gpus: Int)]
    ) -> BerthError? {
        guard gpuCores > 0 else { return nil }
        let plural = gpuCores == 1 ? "" : "s"
        guard declared > 0 else {
            return BerthError(
                .insufficientCapacity,
                "gpuCores is \(gpuCores), but compute target '\(cluster)' declares no GPUs. Deploy to a cluster of a "
                    + "GPU VM size ('berth computetarget create aks -n NAME --vm-size Standard_NC6' declares one GPU per "
                    + "agent), or set gpuCores to 0.")
        }
        guard gpuCores <= declared else {
            return BerthError(
                .insufficientCapacity,
                "gpuCores (\(gpuCores)) is more than the \(declared) GPU\(declared == 1 ? "" : "s") compute target "
                    + "'\(cluster)' declares. Lower gpuCores, or use a cluster with more GPU agents (--agent-count).")
        }
        let held = holders.filter { $0.gpus > 0 }
        let free = max(0, declared - held.reduce(0) { $0 + $1.gpus })
        let needed = gpuCores * max(1, replicas)
        guard needed > free else { return nil }
        let holderList = held.map { "'\($0.name)' holds \($0.gpus)" }.joined(separator: ", ")
        return BerthError(
            .insufficientCapacity,
            "Service '\(service)' needs \(gpuCores) GPU\(plural) per replica for \(max(1, replicas)) "
                + "replica\(replicas == 1 ? "" : "s"), but compute target '\(cluster)' has \(free) of its \(declared) "
                + "GPU\(declared == 1 ? "" : "s") free" + (holderList.isEmpty ? "" : " (\(holderList))") + ". "
                + "Delete or scale down those services, lower gpuCores or the replica count, or use a cluster with "
                + "more GPUs.")
    }
}
