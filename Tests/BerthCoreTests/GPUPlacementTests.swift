import BerthCore
import Testing

/// `gpuCores` on a local cluster: whole GPUs of those the cluster declares, never shared, and a
/// deploy refused with the numbers when they are not there.
struct GPUPlacementTests {
    @Test("Replicas get the lowest free GPU indices; CUDA_VISIBLE_DEVICES names them")
    func picksLowestFree() throws {
        #expect(GPUPlacement(declared: 4).pick(2) == [0, 1])
        #expect(GPUPlacement(declared: 4, taken: [0, 2]).pick(2) == [1, 3])
        #expect(GPUPlacement(declared: 4, taken: [1]).pick(1) == [0])
        #expect(GPUPlacement.visibleDevices([1, 3]) == "1,3")
        #expect(GPUPlacement.visibleDevices([0]) == "0")
    }

    @Test("Too few free GPUs: nothing is picked")
    func notEnoughFree() {
        #expect(GPUPlacement(declared: 2, taken: [0]).pick(2) == nil)
        #expect(GPUPlacement(declared: 0).pick(1) == nil)
        #expect(GPUPlacement(declared: 2, taken: [0]).free == 1)
    }

    @Test("A replica without gpuCores holds none, and sees none")
    func noGPUs() {
        #expect(GPUPlacement(declared: 2).pick(0) == [])
        #expect(GPUPlacement.visibleDevices([]) == "")
    }

    @Test("The Azure VM sizes declare their GPUs per agent")
    func vmSizesDeclareGPUs() throws {
        let nc6 = try ClusterSizing.capacity(
            purpose: .fastProd, agentCount: 2, vmSize: "Standard_NC6", cores: nil, memoryInGB: nil)
        #expect(nc6.gpus == 2)
        let d3 = try ClusterSizing.capacity(
            purpose: .fastProd, agentCount: nil, vmSize: nil, cores: nil, memoryInGB: nil)
        #expect(d3.gpus == nil)
    }

    @Test("A cluster that declares no GPUs refuses gpuCores, saying how to get some")
    func refusedWithoutGPUs() throws {
        let refusal = try #require(
            GPUPlacement.refusal(
                service: "svc", gpuCores: 1, replicas: 1, cluster: "mylocal", declared: 0, holders: []))
        #expect(refusal.code == .insufficientCapacity)
        #expect(
            refusal.message
                == "gpuCores is 1, but compute target 'mylocal' declares no GPUs. Deploy to a cluster of a GPU VM "
                + "size ('berth computetarget create aks -n NAME --vm-size Standard_NC6' declares one GPU per agent), "
                + "or set gpuCores to 0.")
    }

    @Test("More GPUs per replica than the cluster declares is refused")
    func refusedAboveDeclared() throws {
        let refusal = try #require(
            GPUPlacement.refusal(service: "svc", gpuCores: 3, replicas: 1, cluster: "gpu", declared: 2, holders: []))
        #expect(refusal.message.hasPrefix("gpuCores (3) is more than the 2 GPUs compute target 'gpu' declares."))
    }

    @Test("GPUs held by other services count; the message names them")
    func refusedWhenHeld() throws {
        #expect(
            GPUPlacement.refusal(
                service: "b", gpuCores: 1, replicas: 1, cluster: "gpu", declared: 2, holders: [("a", 1)]) == nil)
        let refusal = try #require(
            GPUPlacement.refusal(
                service: "b", gpuCores: 1, replicas: 2, cluster: "gpu", declared: 2, holders: [("a", 1), ("c", 0)]))
        #expect(
            refusal.message.hasPrefix(
                "Service 'b' needs 1 GPU per replica for 2 replicas, but compute target 'gpu' has 1 of its 2 GPUs "
                    + "free ('a' holds 1)."))
    }

    @Test("gpuCores 0 is never refused")
    func zeroIsFine() {
        #expect(
            GPUPlacement.refusal(service: "s", gpuCores: 0, replicas: 3, cluster: "c", declared: 0, holders: []) == nil)
    }
}
