import BerthBackends
import BerthCore

extension ReplicaManifests {
    /// The label every namespace carries with its own name (Kubernetes sets it, 1.21 and later),
    /// which a NetworkPolicy selects a namespace by.
    public static let namespaceNameLabel = "kubernetes.io/metadata.name"

    /// Lets only the router's Pods (in `berth-system`, of this compute target) reach the replica
    /// Pods, on their `http` port; any other ingress to them is dropped where the cluster's network
    /// plugin enforces NetworkPolicies. The replica secret (`ReplicaAuthentication`) guards the
    /// replicas where it does not.
    ///
    /// The kubelet's probes come from the node, which common network plugins (Calico, Cilium, the
    /// cloud providers' own) let through regardless of NetworkPolicies, so `/` and `/ready` keep
    /// working.
    public static func networkPolicy(_ workload: ReplicaWorkload) -> JSONValue {
        [
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": metadata(workload),
            "spec": [
                "podSelector": ["matchLabels": .object(ManifestLabels.replicaSelector(service: workload.spec.name))],
                "policyTypes": ["Ingress"],
                "ingress": [
                    [
                        "from": [
                            [
                                "namespaceSelector": [
                                    "matchLabels": [namespaceNameLabel: .string(ManifestLabels.systemNamespace)]
                                ],
                                "podSelector": [
                                    "matchLabels": .object(
                                        ManifestLabels.routerSelector(compute: workload.spec.computeName))
                                ],
                            ]
                        ],
                        "ports": [["port": "http", "protocol": "TCP"]],
                    ]
                ],
            ],
        ]
    }
}
