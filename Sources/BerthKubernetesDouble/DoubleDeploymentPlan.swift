import BerthCore
import Foundation

/// What the double's Deployment controller decides for one Deployment, as a pure function of
/// the Deployment and its Pods: which Pods to create and delete, and the Deployment's status.
///
/// A rolling update follows the Deployment's `strategy.rollingUpdate` (Kubernetes' defaults of
/// 25 % each when absent; Berth writes `maxSurge 1`, `maxUnavailable 0`): new Pods while the total
/// stays within `replicas + maxSurge`, an old ready Pod removed only while the ready count stays
/// at least `replicas - maxUnavailable` without it (a percentage of `replicas`: up for maxSurge,
/// down for maxUnavailable, as Kubernetes rounds them).
///
/// UNFINISHED: no `minReadySeconds`, `progressDeadlineSeconds` (never `ProgressDeadlineExceeded`)
/// or `Recreate` strategy.
struct DoubleDeploymentPlan: Sendable {
    var create: [JSONValue] = []
    var delete: [String] = []
    var status: JSONValue = .null

    static func templateHash(_ template: JSONValue) -> String {
        String(FNV1a.hash(template.canonicalJSON) % 0xFFFF_FFFF, radix: 16)
    }

    /// Lower goes first on a scale-down: unscheduled (0), scheduled but not ready (1), ready (2).
    static func deletionRank(_ pod: JSONValue) -> Int {
        pod["spec"]?["nodeName"] == nil ? 0 : isReady(pod) ? 2 : 1
    }

    static func isReady(_ pod: JSONValue) -> Bool {
        (pod["status"]?["conditions"]?.arrayValue ?? []).contains { $0["type"] == "Ready" && $0["status"] == "True" }
    }

    /// - Parameter owner: the ReplicaSet of the current template, which new Pods belong to.
    static func plan(deployment: JSONValue, pods: [JSONValue], owner: JSONValue, suffix: () -> String)
        -> DoubleDeploymentPlan
    {
        var plan = DoubleDeploymentPlan()
        let name = deployment["metadata"]?["name"]?.stringValue ?? "?"
        let template = deployment["spec"]?["template"] ?? [:]
        let hash = templateHash(template)
        let desired = Int(deployment["spec"]?["replicas"]?.numberValue ?? 1)
        let newPods = pods.filter { $0["metadata"]?["labels"]?["pod-template-hash"]?.stringValue == hash }
        var oldPods = pods.filter { $0["metadata"]?["labels"]?["pod-template-hash"]?.stringValue != hash }
        var total = pods.count
        let (maxSurge, maxUnavailable) = rollingUpdate(deployment, desired: desired)
        // Scale the new revision up, at most `maxSurge` Pods over `replicas` in all.
        var newCount = newPods.count
        while newCount < desired, total < desired + maxSurge {
            plan.create.append(
                pod(owner: owner, template: template, hash: hash, name: "\(name)-\(hash)-\(suffix())"))
            newCount += 1
            total += 1
        }
        // Scale the new revision down as the ReplicaSet controller does: Pods not placed on a node
        // first, then not-ready ones.
        if newCount > desired {
            let extra = newPods.sorted { deletionRank($0) < deletionRank($1) }.prefix(newCount - desired)
            plan.delete += extra.compactMap { $0["metadata"]?["name"]?.stringValue }
        }
        // Retire old Pods: not-ready ones at once, ready ones while enough others are ready.
        var ready = pods.filter(isReady).count
        oldPods.sort { !isReady($0) && isReady($1) }
        for old in oldPods {
            let oldName = old["metadata"]?["name"]?.stringValue ?? ""
            if !isReady(old) {
                plan.delete.append(oldName)
            } else if ready - 1 >= desired - maxUnavailable || (newPods.isEmpty && desired == 0) {
                plan.delete.append(oldName)
                ready -= 1
            }
        }
        let readyNew = newPods.filter(isReady).count
        let readyAll = pods.filter(isReady).count
        let complete = readyNew >= desired && newPods.count == pods.count
        // The two conditions `kubectl describe` shows and `rollout status` reads (a
        // `ProgressDeadlineExceeded` reason would fail it; the double never gives up).
        let conditions: JSONValue = [
            [
                "type": "Available", "status": readyAll >= desired ? "True" : "False",
                "reason": readyAll >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                "message": readyAll >= desired
                    ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
            ],
            [
                "type": "Progressing", "status": "True",
                "reason": complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                "message": .string(
                    complete
                        ? "Deployment \"\(name)\" has successfully progressed."
                        : "Deployment \"\(name)\" is progressing."),
            ],
        ]
        plan.status = [
            "observedGeneration": deployment["metadata"]?["generation"] ?? 1,
            "replicas": .number(Double(pods.count)),
            "updatedReplicas": .number(Double(newPods.count)),
            "readyReplicas": .number(Double(readyAll)),
            "availableReplicas": .number(Double(readyAll)),
            "unavailableReplicas": .number(Double(max(0, desired - readyNew))),
            "conditions": conditions,
        ]
        return plan
    }

    /// `maxSurge` and `maxUnavailable` as Pod counts for `desired` replicas.
    static func rollingUpdate(_ deployment: JSONValue, desired: Int) -> (maxSurge: Int, maxUnavailable: Int) {
        let strategy = deployment["spec"]?["strategy"]?["rollingUpdate"]
        func count(_ value: JSONValue?, roundingUp: Bool) -> Int {
            if let number = value?.numberValue { return Int(number) }
            let text = value?.stringValue ?? "25%"
            guard text.hasSuffix("%"), let percent = Double(text.dropLast()) else { return Int(text) ?? 0 }
            let exact = Double(desired) * percent / 100
            return Int(roundingUp ? exact.rounded(.up) : exact.rounded(.down))
        }
        let surge = count(strategy?["maxSurge"], roundingUp: true)
        let unavailable = count(strategy?["maxUnavailable"], roundingUp: false)
        // Both 0 is refused by the API server; Kubernetes then still surges one.
        return (surge == 0 && unavailable == 0 ? 1 : surge, unavailable)
    }

    static func pod(owner: JSONValue, template: JSONValue, hash: String, name: String) -> JSONValue {
        var labels = template["metadata"]?["labels"]?.objectValue ?? [:]
        labels["pod-template-hash"] = .string(hash)
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": .string(name), "namespace": owner["metadata"]?["namespace"] ?? "default",
                "labels": .object(labels), "annotations": template["metadata"]?["annotations"] ?? [:],
                "ownerReferences": [DoubleReplicaSets.owner(owner, kind: "ReplicaSet")],
            ],
            "spec": template["spec"] ?? [:],
            "status": ["phase": "Pending"],
        ]
    }
}
