import BerthCore

/// The ReplicaSets between a Deployment and its Pods, as Kubernetes' Deployment controller keeps
/// them: one per Pod template (`NAME-HASH`, labelled and selected by `pod-template-hash`), owned by
/// the Deployment, owning its Pods, with the count of its Pods as `spec.replicas` (0 once a
/// rolling update retired it; old ones stay, as within `revisionHistoryLimit`). Clients walk this
/// chain: `kubectl describe deployment` shows the new and old ReplicaSets, `describe pod` its
/// controller, and deleting the Deployment removes both through their owner references.
///
/// The double decides Pods per template in `DoubleDeploymentPlan` and records the outcome here.
enum DoubleReplicaSets {
    static func name(deployment: String, hash: String) -> String { "\(deployment)-\(hash)" }

    /// A new ReplicaSet for `deployment`'s current `template` (its `hash`), with no Pods yet.
    static func make(deployment: JSONValue, template: JSONValue, hash: String, revision: Int) -> JSONValue {
        let deploymentName = deployment["metadata"]?["name"]?.stringValue ?? "?"
        var labels = template["metadata"]?["labels"]?.objectValue ?? [:]
        labels["pod-template-hash"] = .string(hash)
        var selector = deployment["spec"]?["selector"]?["matchLabels"]?.objectValue ?? [:]
        selector["pod-template-hash"] = .string(hash)
        var podTemplate = template.objectValue ?? [:]
        var podMetadata = podTemplate["metadata"]?.objectValue ?? [:]
        podMetadata["labels"] = .object(labels)
        podTemplate["metadata"] = .object(podMetadata)
        return [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": .string(name(deployment: deploymentName, hash: hash)),
                "namespace": deployment["metadata"]?["namespace"] ?? "default", "labels": .object(labels),
                "annotations": ["deployment.kubernetes.io/revision": .string(String(revision))],
                "ownerReferences": [owner(deployment, kind: "Deployment")],
            ],
            "spec": ["replicas": 0, "selector": ["matchLabels": .object(selector)], "template": .object(podTemplate)],
        ]
    }

    /// The owner reference a controller writes into what it owns.
    static func owner(_ object: JSONValue, kind: String) -> JSONValue {
        [
            "apiVersion": "apps/v1", "kind": .string(kind), "name": object["metadata"]?["name"] ?? "",
            "uid": object["metadata"]?["uid"] ?? "", "controller": true, "blockOwnerDeletion": true,
        ]
    }

    /// Whether `object`'s controlling owner is one of `uids`.
    static func isOwned(_ object: JSONValue, by uids: Set<String>) -> Bool {
        (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).contains {
            $0["uid"]?.stringValue.map(uids.contains) == true
        }
    }

    /// `spec.replicas` and `status` of a ReplicaSet whose live Pods are now `pods`.
    static func counts(of replicaSet: JSONValue, pods: [JSONValue]) -> JSONValue {
        let ready = pods.filter(DoubleDeploymentPlan.isReady).count
        return [
            "spec": ["replicas": .number(Double(pods.count))],
            "status": [
                "replicas": .number(Double(pods.count)), "fullyLabeledReplicas": .number(Double(pods.count)),
                "readyReplicas": .number(Double(ready)), "availableReplicas": .number(Double(ready)),
                "observedGeneration": replicaSet["metadata"]?["generation"] ?? 1,
            ],
        ]
    }
}
