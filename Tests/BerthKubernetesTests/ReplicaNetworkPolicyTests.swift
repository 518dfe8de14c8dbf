import BerthBackends
import BerthCore
import BerthKubernetes
import Testing

/// The NetworkPolicy of a deployment: only the router's Pods reach its replicas, on their `http` port.
struct ReplicaNetworkPolicyTests {
    let workload = ManifestSamples.workload()
    var policy: JSONValue { ReplicaManifests.networkPolicy(workload) }

    @Test("It is the deployment's, beside its other objects, and created before its Deployment")
    func shape() throws {
        #expect(policy["apiVersion"] == "networking.k8s.io/v1")
        #expect(policy["kind"] == "NetworkPolicy")
        #expect(policy["metadata"]?["name"] == "berth-diabetes")
        #expect(policy["metadata"]?["namespace"] == "ml")
        #expect(policy["metadata"]?["labels"]?[ManifestLabels.service] == "diabetes")
        #expect(policy["metadata"]?["labels"]?[ManifestLabels.compute] == "aks1")
        let kinds = ReplicaManifests.all(workload).compactMap { $0["kind"]?.stringValue }
        let index = try #require(kinds.firstIndex(of: "NetworkPolicy"))
        #expect(index < kinds.firstIndex(of: "Deployment") ?? 0, "no replica Pod exists without its policy")
    }

    @Test("It selects the deployment's replica Pods and limits their ingress only")
    func selectsTheReplicas() {
        let deployment = ReplicaManifests.deployment(workload)
        #expect(policy["spec"]?["podSelector"]?["matchLabels"] == deployment["spec"]?["selector"]?["matchLabels"])
        #expect(policy["spec"]?["policyTypes"] == ["Ingress"])
    }

    @Test("Ingress is allowed from the router Pods of the compute target in berth-system, to the http port")
    func admitsTheRouterOnly() throws {
        let rules = policy["spec"]?["ingress"]?.arrayValue ?? []
        #expect(rules.count == 1)
        let rule = try #require(rules.first)
        let peers = rule["from"]?.arrayValue ?? []
        #expect(peers.count == 1, "one peer: namespace AND pod selector, not either")
        let peer = try #require(peers.first)
        #expect(peer["namespaceSelector"]?["matchLabels"] == ["kubernetes.io/metadata.name": "berth-system"])
        let routerPods = RouterManifests.deployment(ManifestSamples.installation())["spec"]?["template"]?["metadata"]?[
            "labels"]
        let selected = peer["podSelector"]?["matchLabels"]?.objectValue ?? [:]
        #expect(selected == ["berth.dev/component": "router", "berth.dev/compute": "aks1"])
        #expect(selected.allSatisfy { routerPods?[$0.key] == $0.value }, "the router's Pods carry every selected label")
        #expect(rule["ports"] == [["port": "http", "protocol": "TCP"]])
        let ports = ReplicaManifests.deployment(workload)["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?
            .first?["ports"]
        #expect(ports?.arrayValue?.contains { $0["name"] == "http" && $0["containerPort"] == 5001 } == true)
    }

    @Test("Another compute target's routers are not admitted")
    func otherComputeTargets() {
        var other = workload
        other.spec.computeName = "aks2"
        let selected = ReplicaManifests.networkPolicy(other)["spec"]?["ingress"]?.arrayValue?.first?["from"]?
            .arrayValue?.first?["podSelector"]?["matchLabels"]
        #expect(selected?[ManifestLabels.compute] == "aks2")
    }
}
