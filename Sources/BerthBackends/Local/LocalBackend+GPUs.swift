import BerthCore

extension LocalBackend {
    /// The cluster's GPUs and which of them replicas hold: every replica on `computeName` that runs
    /// or waits to restart, of either revision, except those of `excluded` (a deployment, or one
    /// slot of it).
    ///
    /// A replica retired by a scale-down gives its GPUs back at once, while it drains for up to
    /// `drainDelay`: its successor may start on them a moment before it exits.
    func gpuPlacement(
        on computeName: String, declared: Int?, excluding excluded: String, slot excludedSlot: Int? = nil
    ) -> GPUPlacement {
        var taken: Set<Int> = []
        for (name, deployment) in deployments where deployment.spec.computeName == computeName {
            for (offset, slot) in deployment.slots.enumerated() where slot.process != nil || slot.nextStart != nil {
                if name == excluded && (excludedSlot == nil || excludedSlot == offset) { continue }
                taken.formUnion(slot.gpus)
            }
            if name != excluded || excludedSlot != nil {
                for slot in deployment.previous?.slots ?? [] { taken.formUnion(slot.gpus) }
            }
        }
        return GPUPlacement(declared: declared ?? 0, taken: taken)
    }

    /// Gives a slot about to start the `gpuCores` GPUs it needs (keeping those it held before a
    /// restart); nil when it has them, else why not, for `DeploymentStatus.unschedulable`.
    func placeGPUs(_ slot: inout Slot, of spec: DeploymentSpec, slot index: Int) -> String? {
        guard spec.gpu > 0 else {
            slot.gpus = []
            return nil
        }
        let placement = gpuPlacement(
            on: spec.computeName, declared: spec.capacity.gpus, excluding: spec.name, slot: index)
        if slot.gpus.count == spec.gpu, placement.taken.isDisjoint(with: slot.gpus) { return nil }
        if let picked = placement.pick(spec.gpu) {
            slot.gpus = picked
            return nil
        }
        return "Replica \(index + 1) of \(spec.replicas) needs \(spec.gpu) GPU\(spec.gpu == 1 ? "" : "s"); cluster "
            + "'\(spec.computeName)' has \(placement.free) of its \(spec.capacity.gpus ?? 0) GPUs free. Lower gpuCores, "
            + "reduce replicas, delete other services that hold GPUs, or use a cluster with more GPUs."
    }
}
