import BerthCore
import Testing

/// A local cluster's declared capacity and the purpose rule: FastProd needs ≥ 12 vCPUs in total,
/// DevTest ≥ 2, and a refusal names what would pass.
struct ClusterSizingTests {
    static func capacity(
        _ purpose: ClusterPurpose,
        agents: Int? = nil,
        vmSize: String? = nil,
        cores: Double? = nil,
        memory: Double? = nil
    ) throws -> ClusterCapacity {
        try ClusterSizing.capacity(
            purpose: purpose,
            agentCount: agents,
            vmSize: vmSize,
            cores: cores,
            memoryInGB: memory
        )
    }

    static func refusal(_ body: () throws -> Void) -> BerthError? {
        #expect(throws: BerthError.self, performing: body)
    }

    @Test func fastProdDefaultsToAzuresThreeD3v2Agents() throws {
        let capacity = try Self.capacity(.fastProd)
        #expect(
            capacity == ClusterCapacity(agentCount: 3, agentVmSize: "Standard_D3_v2", cores: 12, memoryInGB: 42)
        )
    }

    @Test func devTestDefaultsToOneAgent() throws {
        let capacity = try Self.capacity(.devTest)
        #expect(capacity == ClusterCapacity(agentCount: 1, agentVmSize: "Standard_D3_v2", cores: 4, memoryInGB: 14))
    }

    @Test(arguments: [
        (1, "Standard_D5_v2", 16.0, 56.0),
        (2, "Standard_D4_v2", 16.0, 56.0),
        (3, "standard_d3_v2", 12.0, 42.0),
        (6, "Standard_B2s", 12.0, 24.0),
        (2, "Standard_NC6", 12.0, 112.0),
    ])
    func fastProdAcceptsAgentsTimesVMSize(agents: Int, vmSize: String, cores: Double, memory: Double) throws {
        let capacity = try Self.capacity(.fastProd, agents: agents, vmSize: vmSize)
        #expect(capacity.cores == cores)
        #expect(capacity.memoryInGB == memory)
        #expect(capacity.agentCount == agents)
        #expect(capacity.agentVmSize?.lowercased() == vmSize.lowercased())
    }

    @Test func vmSizeNamesAreCanonicalised() throws {
        let capacity = try Self.capacity(.fastProd, agents: 3, vmSize: "standard_d3_v2")
        #expect(capacity.agentVmSize == "Standard_D3_v2")
    }

    @Test func fastProdBelowTwelveVCPUsNamesWhatWouldPass() {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, agents: 2, vmSize: "Standard_D3_v2") }
        #expect(error?.code == .insufficientCapacity)
        #expect(
            error?.message
                == "A FastProd cluster needs at least 12 vCPUs in total; this one would have 8. Use --agent-count 3 "
                + "with Standard_D3_v2, or --vm-size Standard_D4_v2 with 2 agents, or --cluster-purpose DevTest "
                + "(needs ≥ 2 vCPUs; not for production)."
        )
    }

    @Test func devTestBelowTwoVCPUsNamesWhatWouldPass() {
        let error = Self.refusal { _ = try Self.capacity(.devTest, agents: 1, vmSize: "Standard_D1_v2") }
        #expect(error?.code == .insufficientCapacity)
        let summary = "A DevTest cluster needs at least 2 vCPUs in total; this one would have 1."
        #expect(error?.message.contains(summary) == true)
        #expect(error?.message.contains("--agent-count 2 with Standard_D1_v2") == true)
        #expect(error?.message.contains("--vm-size Standard_B2s with 1 agent") == true)
        #expect(error?.message.contains("--cluster-purpose DevTest") == false)
    }

    @Test func devTestAcceptsWhatFastProdRefuses() throws {
        #expect(try Self.capacity(.devTest, agents: 1, vmSize: "Standard_B2s").cores == 2)
        #expect(try Self.capacity(.devTest, cores: 2, memory: 4).cores == 2)
    }

    @Test func coresAndMemoryGivenDirectly() throws {
        let capacity = try Self.capacity(.fastProd, cores: 12, memory: 16)
        #expect(capacity == ClusterCapacity(cores: 12, memoryInGB: 16))
        #expect(try Self.capacity(.fastProd, cores: 64, memory: 0.5).cores == 64)
    }

    @Test func tooFewCoresGivenDirectlyNamesTheFlag() {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, cores: 4, memory: 8) }
        #expect(error?.code == .insufficientCapacity)
        #expect(
            error?.message
                == "A FastProd cluster needs at least 12 vCPUs in total; this one would have 4. Use --cores 12 or "
                + "more, or --cluster-purpose DevTest (needs ≥ 2 vCPUs; not for production)."
        )
        let devTest = Self.refusal { _ = try Self.capacity(.devTest, cores: 1.5, memory: 8) }
        #expect(devTest?.message.contains("this one would have 1.5. Use --cores 2 or more.") == true)
    }

    @Test func coresAndMemoryGoTogether() {
        let message = "--cores and --memory-gb go together: give both."
        #expect(Self.refusal { _ = try Self.capacity(.fastProd, cores: 12) }?.message == message)
        #expect(Self.refusal { _ = try Self.capacity(.fastProd, memory: 12) }?.message == message)
    }

    @Test func agentsAndCoresAreExclusive() {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, agents: 3, cores: 12, memory: 16) }
        #expect(error?.code == .badRequest)
        #expect(error?.message == "Give either --agent-count/--vm-size or --cores/--memory-gb, not both.")
    }

    @Test(arguments: [0.0, -1.0, Double.infinity, Double.nan])
    func coresMustBePositive(cores: Double) {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, cores: cores, memory: 16) }
        #expect(error?.code == .badRequest)
        #expect(error?.message.hasPrefix("--cores (") == true)
    }

    @Test(arguments: [0.0, -2.0])
    func memoryMustBePositive(memory: Double) {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, cores: 12, memory: memory) }
        #expect(error?.message.hasPrefix("--memory-gb (") == true)
    }

    @Test(arguments: [0, -3])
    func agentCountMustBePositive(agents: Int) {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, agents: agents) }
        #expect(error?.message == "Invalid configuration, agent count must be a positive integer.")
    }

    @Test func unknownVMSizeListsTheKnownOnes() {
        let error = Self.refusal { _ = try Self.capacity(.fastProd, agents: 3, vmSize: "Standard_Z99") }
        #expect(error?.code == .badRequest)
        let start = "VM size 'Standard_Z99' is not in Berth's table. Use one of Standard_B2s,"
        #expect(error?.message.hasPrefix(start) == true)
        #expect(error?.message.hasSuffix("or give --cores and --memory-gb directly.") == true)
    }

    @Test func vmSizeTableHasUniqueNamesAndSaneSizes() {
        let names = VMSize.known.map { $0.name.lowercased() }
        #expect(Set(names).count == names.count)
        #expect(VMSize.known.allSatisfy { $0.cores > 0 && $0.memoryInGB > 0 && $0.gpus >= 0 })
        #expect(VMSize.known.contains { $0.name == VMSize.defaultName })
        #expect(VMSize.known.first { $0.name == VMSize.defaultName }.map { $0.cores * VMSize.defaultAgentCount } == 12)
    }

    @Test(arguments: ["FastProd", "fastprod", "FASTPROD", "DevTest", "devtest"])
    func purposeParsesInAnyCase(text: String) throws {
        #expect(try ClusterPurpose(parsing: text).rawValue.lowercased() == text.lowercased())
    }

    @Test func unknownPurposeSaysWhichExist() {
        let error = Self.refusal { _ = try ClusterPurpose(parsing: "Prod") }
        #expect(
            error?.message
                == "Cluster purpose 'Prod' is not known. Use FastProd (production, ≥ 12 vCPUs) or DevTest "
                + "(≥ 2 vCPUs)."
        )
    }

    @Test func minimumsAreTheSeedsRule() {
        #expect(ClusterPurpose.fastProd.minimumCores == 12)
        #expect(ClusterPurpose.devTest.minimumCores == 2)
    }
}
