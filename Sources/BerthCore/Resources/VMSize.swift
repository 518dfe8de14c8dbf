/// A small table of Azure VM sizes, so `--agent-count N --vm-size SIZE` declares the same capacity
/// an AKS cluster of those agents would have.
public struct VMSize: Sendable, Hashable {
    public var name: String
    public var cores: Int
    public var memoryInGB: Double
    public var gpus: Int

    /// Azure's default agent size for AKS inference clusters.
    public static let defaultName = "Standard_D3_v2"
    /// Azure's default agent count.
    public static let defaultAgentCount = 3

    /// The sizes Berth knows, by their Azure names.
    public static let known: [VMSize] = [
        VMSize(name: "Standard_B2s", cores: 2, memoryInGB: 4, gpus: 0),
        VMSize(name: "Standard_B4ms", cores: 4, memoryInGB: 16, gpus: 0),
        VMSize(name: "Standard_D1_v2", cores: 1, memoryInGB: 3.5, gpus: 0),
        VMSize(name: "Standard_D2_v2", cores: 2, memoryInGB: 7, gpus: 0),
        VMSize(name: "Standard_D3_v2", cores: 4, memoryInGB: 14, gpus: 0),
        VMSize(name: "Standard_D4_v2", cores: 8, memoryInGB: 28, gpus: 0),
        VMSize(name: "Standard_D5_v2", cores: 16, memoryInGB: 56, gpus: 0),
        VMSize(name: "Standard_DS2_v2", cores: 2, memoryInGB: 7, gpus: 0),
        VMSize(name: "Standard_DS3_v2", cores: 4, memoryInGB: 14, gpus: 0),
        VMSize(name: "Standard_DS4_v2", cores: 8, memoryInGB: 28, gpus: 0),
        VMSize(name: "Standard_D2s_v3", cores: 2, memoryInGB: 8, gpus: 0),
        VMSize(name: "Standard_D4s_v3", cores: 4, memoryInGB: 16, gpus: 0),
        VMSize(name: "Standard_D8s_v3", cores: 8, memoryInGB: 32, gpus: 0),
        VMSize(name: "Standard_D16s_v3", cores: 16, memoryInGB: 64, gpus: 0),
        VMSize(name: "Standard_F4s_v2", cores: 4, memoryInGB: 8, gpus: 0),
        VMSize(name: "Standard_F8s_v2", cores: 8, memoryInGB: 16, gpus: 0),
        VMSize(name: "Standard_NC6", cores: 6, memoryInGB: 56, gpus: 1),
        VMSize(name: "Standard_NC6s_v3", cores: 6, memoryInGB: 112, gpus: 1),
    ]

    /// Looks a size up by name, ignoring case.
    public static func named(_ name: String) throws -> VMSize {
        if let size = known.first(where: { $0.name.lowercased() == name.lowercased() }) { return size }
        let names = known.map(\.name).joined(separator: ", ")
        throw BerthError.badRequest(
            "VM size '\(name)' is not in Berth's table. Use one of \(names), or give --cores and --memory-gb directly."
        )
    }
}
