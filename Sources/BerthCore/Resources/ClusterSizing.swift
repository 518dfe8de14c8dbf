/// Turns `create local` arguments into a declared capacity and applies the seed's purpose rule
/// (FastProd ≥ 12 vCPUs, DevTest ≥ 2), with an error that says what would pass.
public enum ClusterSizing {
    /// Resolves the declared capacity of a new local cluster.
    ///
    /// `cores`/`memoryInGB` given directly win (and declare no GPUs); otherwise `agentCount` ×
    /// `vmSize`, each defaulting to Azure's defaults (3 × Standard_D3_v2 = 12 vCPUs, 42 GB), with the
    /// VM size's GPUs per agent.
    public static func capacity(
        purpose: ClusterPurpose, agentCount: Int?, vmSize: String?, cores: Double?, memoryInGB: Double?
    ) throws -> ClusterCapacity {
        let capacity: ClusterCapacity
        if cores != nil || memoryInGB != nil {
            if agentCount != nil || vmSize != nil {
                throw BerthError.badRequest(
                    "Give either --agent-count/--vm-size or --cores/--memory-gb, not both."
                )
            }
            guard let cores, let memoryInGB else {
                throw BerthError.badRequest("--cores and --memory-gb go together: give both.")
            }
            guard cores > 0, cores.isFinite else {
                throw BerthError.badRequest("--cores (\(cores)) must be greater than zero.")
            }
            guard memoryInGB > 0, memoryInGB.isFinite else {
                throw BerthError.badRequest("--memory-gb (\(memoryInGB)) must be greater than zero.")
            }
            capacity = ClusterCapacity(cores: cores, memoryInGB: memoryInGB)
        } else {
            let count = agentCount ?? (purpose == .devTest ? 1 : VMSize.defaultAgentCount)
            guard count > 0 else {
                throw BerthError.badRequest("Invalid configuration, agent count must be a positive integer.")
            }
            let size = try VMSize.named(vmSize ?? VMSize.defaultName)
            capacity = ClusterCapacity(
                agentCount: count, agentVmSize: size.name, cores: Double(count * size.cores),
                memoryInGB: Double(count) * size.memoryInGB, gpus: size.gpus > 0 ? count * size.gpus : nil)
        }
        try check(capacity, purpose: purpose)
        return capacity
    }

    /// Refuses a capacity below the purpose's minimum, naming what would pass.
    public static func check(_ capacity: ClusterCapacity, purpose: ClusterPurpose) throws {
        guard capacity.cores < purpose.minimumCores else { return }
        let have = formatted(capacity.cores)
        var remedies: [String] = []
        if let count = capacity.agentCount, let sizeName = capacity.agentVmSize,
            let size = try? VMSize.named(sizeName)
        {
            let needed = Int((purpose.minimumCores / Double(size.cores)).rounded(.up))
            remedies.append("--agent-count \(needed) with \(size.name)")
            if let bigger = VMSize.known.first(where: { Double($0.cores * count) >= purpose.minimumCores }) {
                remedies.append("--vm-size \(bigger.name) with \(count) agent\(count == 1 ? "" : "s")")
            }
        } else {
            remedies.append("--cores \(formatted(purpose.minimumCores)) or more")
        }
        if purpose == .fastProd && capacity.cores >= ClusterPurpose.devTest.minimumCores {
            remedies.append("--cluster-purpose DevTest (needs ≥ 2 vCPUs; not for production)")
        }
        throw BerthError(
            .insufficientCapacity,
            "A \(purpose.rawValue) cluster needs at least \(formatted(purpose.minimumCores)) vCPUs in total; "
                + "this one would have \(have). Use \(remedies.joined(separator: ", or ")).")
    }

    static func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
