import ArgumentParser
import BerthCore

/// What `computetarget create local` and `create aks` both take: the name, Azure's sizing flags
/// (`--agent-count`, `--vm-size`, `--cluster-purpose`), a description and the TLS of its scoring.
struct ClusterShapeOptions: ParsableArguments {
    @Option(
        name: [.short, .long], help: "Cluster name: 3–24 characters, starting with a letter; letters, digits, '-'.")
    var name: String
    @Option(name: .long, help: "FastProd (default) or DevTest.")
    var clusterPurpose: String?
    @Option(name: [.short, .customLong("agent-count")], help: "Number of agents (default 3; 1 for DevTest).")
    var agentCount: Int?
    @Option(
        name: [.customShort("s"), .customLong("vm-size")],
        help: "Azure VM size of each agent (default Standard_D3_v2).")
    var vmSize: String?
    @Option(name: .long, help: "A description.")
    var description: String?
    @OptionGroup(title: "TLS") var ssl: ComputeTLSOptions

    /// The request for a local cluster of this shape (`cores`/`memoryInGB` instead of agents).
    func request(cores: Double? = nil, memoryInGB: Double? = nil) throws -> CreateComputeRequest {
        CreateComputeRequest(
            name: name, computeType: "Local", clusterPurpose: clusterPurpose, agentCount: agentCount,
            vmSize: vmSize, cores: cores, memoryInGB: memoryInGB, description: description,
            sslConfiguration: try ssl.request())
    }
}
