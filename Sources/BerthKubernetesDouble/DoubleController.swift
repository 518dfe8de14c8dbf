import BerthCore
import Foundation
import Synchronization

/// The double's controllers in one loop: the Deployment controller (Pods per template revision,
/// rolling updates, status), the scheduler (CPU fit on the Nodes, `Unschedulable` with the
/// scheduler's message), the kubelet (a `DoublePodRunner` per scheduled Pod, when a runtime is
/// configured) and the EndpointSlice controller.
///
/// It wakes on every API write and on its own Pods' changes, and twice a second regardless.
final class DoubleController: Sendable {
    let store: DoubleStore
    let runtime: KubernetesAPIDouble.PodRuntime?
    let wakeups: AsyncStream<Void>
    let wake: @Sendable () -> Void
    private let started = Mutex<Set<String>>([])
    /// Pod addresses, shared by every double of the process: two doubles running Pods at once
    /// (tests run in parallel) must not both put a replica on 127.0.0.2:5001.
    private static let nextAddress = Mutex(2)

    init(store: DoubleStore, runtime: KubernetesAPIDouble.PodRuntime?) {
        self.store = store
        self.runtime = runtime
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeups = stream
        wake = { continuation.yield() }
    }

    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(500))
                    self.wake()
                }
            }
            for await _ in wakeups {
                guard !Task.isCancelled else { break }
                for runner in reconcile() {
                    group.addTask { await runner.run() }
                }
            }
            group.cancelAll()
        }
    }

    private func all(_ kind: DoubleKind) -> [JSONValue] {
        store.list(kind, namespace: nil, selector: DoubleLabelSelector(nil)).items
    }

    /// One pass; returns the runners of Pods to start.
    func reconcile() -> [DoublePodRunner] {
        store.finalizeNamespaces()
        reconcileDeployments()
        let runners = schedulePods()
        reconcileEndpointSlices()
        return runners
    }

    private func reconcileDeployments() {
        let pods = all(.pod)
        let replicaSets = all(.replicaSet)
        for deployment in all(.deployment) {
            guard let uid = deployment["metadata"]?["uid"]?.stringValue,
                let name = deployment["metadata"]?["name"]?.stringValue
            else { continue }
            let namespace = deployment["metadata"]?["namespace"]?.stringValue
            var sets = replicaSets.filter { DoubleReplicaSets.isOwned($0, by: [uid]) }
            let template = deployment["spec"]?["template"] ?? [:]
            let hash = DoubleDeploymentPlan.templateHash(template)
            let hashOf: (JSONValue) -> String? = { $0["metadata"]?["labels"]?["pod-template-hash"]?.stringValue }
            if !sets.contains(where: { hashOf($0) == hash }) {
                let made = DoubleReplicaSets.make(
                    deployment: deployment, template: template, hash: hash, revision: sets.count + 1)
                guard let created = try? store.create(.replicaSet, namespace: namespace, made) else { continue }
                sets.append(created)
            }
            guard let current = sets.first(where: { hashOf($0) == hash }) else { continue }
            let setUIDs = Set(sets.compactMap { $0["metadata"]?["uid"]?.stringValue })
            // Terminating Pods are no longer the Deployment's replicas (they drain, then go).
            let owned = pods.filter { pod in
                pod["metadata"]?["deletionTimestamp"] == nil && DoubleReplicaSets.isOwned(pod, by: setUIDs)
            }
            let plan = DoubleDeploymentPlan.plan(deployment: deployment, pods: owned, owner: current) {
                String(UUID().uuidString.lowercased().prefix(5))
            }
            for pod in plan.create { _ = try? store.create(.pod, namespace: namespace, pod) }
            for pod in plan.delete { _ = try? store.delete(.pod, namespace: namespace, name: pod) }
            let live = owned.filter { !plan.delete.contains($0["metadata"]?["name"]?.stringValue ?? "") } + plan.create
            for set in sets {
                guard let setName = set["metadata"]?["name"]?.stringValue else { continue }
                let counts = DoubleReplicaSets.counts(of: set, pods: live.filter { hashOf($0) == hashOf(set) })
                if set["spec"]?["replicas"] != counts["spec"]?["replicas"] || set["status"] != counts["status"] {
                    _ = try? store.patch(.replicaSet, namespace: namespace, name: setName, counts)
                }
            }
            if deployment["status"] != plan.status {
                _ = try? store.patch(.deployment, namespace: namespace, name: name, ["status": plan.status])
            }
        }
    }

    private func schedulePods() -> [DoublePodRunner] {
        let nodes = all(.node)
        var pods = all(.pod)
        var runners: [DoublePodRunner] = []
        for index in pods.indices {
            let pod = pods[index]
            guard let name = pod["metadata"]?["name"]?.stringValue,
                let namespace = pod["metadata"]?["namespace"]?.stringValue,
                let uid = pod["metadata"]?["uid"]?.stringValue
            else { continue }
            if pod["spec"]?["nodeName"] == nil {
                let scheduled = pods.filter { $0["spec"]?["nodeName"] != nil }
                switch DoubleScheduler.place(pod, nodes: nodes, scheduled: scheduled) {
                case .success(let node):
                    // Placed: PodScheduled turns True (a Pod refused before no longer reads Unschedulable).
                    let placed: JSONValue = [
                        "spec": ["nodeName": .string(node)],
                        "status": ["phase": "Pending", "conditions": [["type": "PodScheduled", "status": "True"]]],
                    ]
                    if let updated = try? store.patch(.pod, namespace: namespace, name: name, placed) {
                        pods[index] = updated
                    }
                case .failure(let refusal):
                    let status: JSONValue = [
                        "phase": "Pending",
                        "conditions": [
                            [
                                "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                "message": .string(refusal.message),
                            ]
                        ],
                    ]
                    if pod["status"] != status {
                        _ = try? store.patch(.pod, namespace: namespace, name: name, ["status": status])
                    }
                    continue
                }
            }
            guard let runtime, Self.isRunnable(pod), started.withLock({ $0.insert(uid).inserted }) else { continue }
            let address = Self.nextAddress.withLock { next -> String in
                defer { next = next >= 250 ? 2 : next + 1 }
                return "127.0.0.\(next)"
            }
            runners.append(
                DoublePodRunner(
                    store: store, runtime: runtime, wake: wake, namespace: namespace, name: name,
                    uid: .string(uid), podIP: address))
        }
        return runners
    }

    /// The double runs replicas only (`berth replica`); other Pods (the router) stay scheduled
    /// but not started.
    static func isRunnable(_ pod: JSONValue) -> Bool {
        let command = pod["spec"]?["containers"]?.arrayValue?.first?["command"]?.arrayValue ?? []
        return command.prefix(2) == ["berth", "replica"]
    }

    private func reconcileEndpointSlices() {
        let pods = all(.pod)
        var wanted: [String: JSONValue] = [:]
        for service in all(DoubleKind.all[3]) {
            for slice in DoubleEndpointSlices.slices(service: service, pods: pods) {
                let key =
                    "\(slice["metadata"]?["namespace"]?.stringValue ?? "")/\(slice["metadata"]?["name"]?.stringValue ?? "")"
                wanted[key] = slice
            }
        }
        let existing = all(.endpointSlice).filter {
            $0["metadata"]?["labels"]?["endpointslice.kubernetes.io/managed-by"] == "berth-kubernetes-double"
        }
        for slice in existing {
            let namespace = slice["metadata"]?["namespace"]?.stringValue ?? ""
            let name = slice["metadata"]?["name"]?.stringValue ?? ""
            guard let want = wanted.removeValue(forKey: "\(namespace)/\(name)") else {
                _ = try? store.delete(.endpointSlice, namespace: namespace, name: name)
                continue
            }
            // An endpoint's conditions change (a Pod starts terminating): update the slice.
            if slice["endpoints"] != want["endpoints"] || slice["ports"] != want["ports"] {
                _ = try? store.patch(
                    .endpointSlice, namespace: namespace, name: name,
                    ["endpoints": want["endpoints"] ?? [], "ports": want["ports"] ?? []])
            }
        }
        for slice in wanted.values {
            _ = try? store.create(.endpointSlice, namespace: slice["metadata"]?["namespace"]?.stringValue, slice)
        }
    }
}
