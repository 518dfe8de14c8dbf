import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import Testing

/// Scoring URIs of services on an attached cluster come from its router Service's load balancer
/// (or a cname), not from the control plane's own router; none until the load balancer has one.
@Suite(.validatesSentObjects)
struct RouterAddressTests {
    static func service(ingress: JSONValue?, port: Int = 80, name: String = "http") -> JSONValue {
        var status: JSONValue = ["loadBalancer": [:]]
        if let ingress { status = ["loadBalancer": ["ingress": [ingress]]] }
        return [
            "spec": ["type": "LoadBalancer", "ports": [["name": .string(name), "port": .number(Double(port))]]],
            "status": status,
        ]
    }

    @Test("IP, else hostname, else pending with what to check; a cname wins; another port is written")
    func fromStatus() {
        #expect(
            RouterAddress.of(routerService: Self.service(ingress: ["ip": "20.1.2.3"]), cname: nil, computeName: "aks1")
                == .ready(baseURL: "http://20.1.2.3"))
        #expect(
            RouterAddress.of(
                routerService: Self.service(ingress: ["hostname": "a1b2.elb.amazonaws.com"]), cname: nil,
                computeName: "aks1") == .ready(baseURL: "http://a1b2.elb.amazonaws.com"))
        #expect(
            RouterAddress.of(
                routerService: Self.service(ingress: ["ip": "10.0.0.9"], port: 8080), cname: nil, computeName: "aks1")
                == .ready(baseURL: "http://10.0.0.9:8080"))
        #expect(
            RouterAddress.of(routerService: Self.service(ingress: ["ip": "fd00::1"]), cname: nil, computeName: "aks1")
                == .ready(baseURL: "http://[fd00::1]"))
        #expect(
            RouterAddress.of(routerService: Self.service(ingress: nil), cname: "ml.contoso.com", computeName: "aks1")
                == .ready(baseURL: "https://ml.contoso.com"))
        // A router serving TLS listens on 443 under the port name https.
        #expect(
            RouterAddress.of(
                routerService: Self.service(ingress: ["ip": "20.1.2.3"], port: 443, name: "https"), cname: nil,
                computeName: "aks1") == .ready(baseURL: "https://20.1.2.3"))
        let pending = RouterAddress.of(routerService: Self.service(ingress: nil), cname: nil, computeName: "aks1")
        #expect(pending.baseURL == nil)
        guard case .pending(let message) = pending else { return }
        #expect(message.contains("No scoring URI yet"))
        #expect(message.contains("kubectl -n berth-system get service berth-router"))
        guard case .pending(let missing) = RouterAddress.of(routerService: nil, cname: nil, computeName: "aks1") else {
            Issue.record("a missing Service has no address")
            return
        }
        #expect(missing.contains("Attach the cluster again"))
    }

    @Test("After attach the address is pending until the load balancer gets one", .timeLimit(.minutes(1)))
    func followsTheLoadBalancer() async throws {
        try await KubernetesAPIDouble.withRunning(ClusterAttachmentTests.threeSmallNodes) { double in
            let attachment = ClusterAttachment(client: try double.client(namespace: "ml"))
            _ = try await attachment.attach(ManifestSamples.installation(purpose: .devTest))
            #expect(try await attachment.routerAddress(computeName: "aks1").baseURL == nil)
            try double.setLoadBalancerIngress(
                namespace: "berth-system", service: "berth-router", hostname: "router.example.com")
            #expect(
                try await attachment.routerAddress(computeName: "aks1") == .ready(baseURL: "http://router.example.com"))
            try double.setLoadBalancerIngress(namespace: "berth-system", service: "berth-router", ip: "20.1.2.3")
            #expect(try await attachment.routerAddress(computeName: "aks1") == .ready(baseURL: "http://20.1.2.3"))
            #expect(
                try await attachment.routerAddress(computeName: "aks1", cname: "ml.contoso.com")
                    == .ready(baseURL: "https://ml.contoso.com"))
        }
    }
}
