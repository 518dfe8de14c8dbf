import BerthCore
import BerthKubernetes
import Testing

struct RouterManifestsTests {
    @Test("FastProd runs two router Pods spread over nodes; DevTest one, not scaling itself")
    func replicasByPurpose() {
        let fast = RouterManifests.deployment(ManifestSamples.installation(purpose: .fastProd))
        #expect(fast["spec"]?["replicas"] == 2)
        #expect(fast["spec"]?["template"]?["spec"]?["topologySpreadConstraints"] != nil)
        let dev = RouterManifests.deployment(ManifestSamples.installation(purpose: .devTest))
        #expect(dev["spec"]?["replicas"] == 1)
        #expect(dev["spec"]?["template"]?["spec"]?["topologySpreadConstraints"] == nil)
        let command = dev["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["command"]?.arrayValue ?? []
        #expect(command.suffix(2) == ["--cluster-purpose", "DevTest"])
        // Traffic only once the first route table arrived; liveness does not wait for it.
        let container = dev["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first
        #expect(container?["readinessProbe"]?["httpGet"]?["path"] == "/ready")
        #expect(container?["livenessProbe"]?["httpGet"]?["path"] == "/")
    }

    @Test("The router may only read EndpointSlices and Pods in the deployment namespace")
    func leastPrivilege() {
        let role = RouterManifests.role(ManifestSamples.installation())
        #expect(role["metadata"]?["namespace"] == "ml")
        let rules = role["rules"]?.arrayValue ?? []
        #expect(rules.count == 2)
        for rule in rules {
            #expect(rule["verbs"] == ["get", "list", "watch"])
        }
        #expect(rules.flatMap { $0["resources"]?.arrayValue ?? [] } == ["endpointslices", "pods"])
        let binding = RouterManifests.roleBinding(ManifestSamples.installation())
        #expect(binding["subjects"]?.arrayValue?.first?["namespace"] == "berth-system")
    }

    @Test("The Service is a load balancer, internal when asked")
    func loadBalancer() {
        let publicService = RouterManifests.service(ManifestSamples.installation(loadBalancer: .publicIp))
        #expect(publicService["spec"]?["type"] == "LoadBalancer")
        #expect(publicService["metadata"]?["annotations"] == nil)
        let internalService = RouterManifests.service(ManifestSamples.installation(loadBalancer: .internalLoadBalancer))
        #expect(internalService["metadata"]?["annotations"]?["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true")
    }

    @Test("The marker ConfigMap names the workspace and the compute target; the feed token is in a Secret")
    func markerAndSecret() {
        let objects = RouterManifests.all(ManifestSamples.installation())
        let marker = objects.last
        #expect(marker?["kind"] == "ConfigMap")
        #expect(marker?["metadata"]?["name"] == "berth-attachment")
        #expect(marker?["data"]?["workspaceID"] == "ws-1")
        #expect(marker?["data"]?["computeName"] == "aks1")
        #expect(objects.first?["kind"] == "Namespace")
        let secret = objects.first { $0["kind"] == "Secret" }
        #expect(secret?["stringData"]?["feed-token"] == "feed-secret")
        #expect(!objects.filter { $0["kind"] != "Secret" }.contains { $0.canonicalJSON.contains("feed-secret") })
    }
}
