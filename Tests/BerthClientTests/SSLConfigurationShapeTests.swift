import BerthCore
import Testing

@testable import BerthClient

/// A compute request whose `sslConfiguration` has none of the shapes the API declares cannot be
/// encoded as the generated body type; the client refuses it with the message the server would
/// give, before it connects (the server here is an address nothing listens on).
struct SSLConfigurationShapeTests {
    let client = ControlPlaneClient(baseURL: "http://127.0.0.1:1", token: "unused")

    @Test("A cname and certificate without a key: Azure's message, not a connection error")
    func incompleteCertificateIsRefusedWithAzuresMessage() async throws {
        let error = await #expect(throws: BerthError.self) {
            _ = try await client.updateCompute(
                named: "plain",
                UpdateComputeRequest(
                    sslConfiguration: SSLConfigurationRequest(status: "Enabled", cname: "a.example", cert: "PEM")))
        }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("not all ssl information provided") == true, "\(String(describing: error))")
    }

    @Test("Auto without a leaf domain label and an unknown status name what to give")
    func otherShapesNameTheField() async throws {
        let auto = await #expect(throws: BerthError.self) {
            _ = try await client.createCompute(
                CreateComputeRequest(name: "c", sslConfiguration: SSLConfigurationRequest(status: "Auto")))
        }
        #expect(auto?.message.contains("leafDomainLabel") == true)
        let unknown = await #expect(throws: BerthError.self) {
            _ = try await client.updateCompute(
                named: "c", UpdateComputeRequest(sslConfiguration: SSLConfigurationRequest(status: "On")))
        }
        #expect(unknown?.message.contains("'On'") == true)
    }

    @Test(
        "A cluster purpose, VM size or load balancer type in another case is spelled the contract's way; an unknown one names the choices"
    )
    func namesAreNormalizedOrRefused() throws {
        let create = try CreateComputeRequest(name: "c", clusterPurpose: "devtest", vmSize: "standard_d3_v2")
            .normalized()
        #expect(create.clusterPurpose == "DevTest" && create.vmSize == "Standard_D3_v2")
        let attach = try AttachKubernetesRequest(
            name: "k", kubeconfig: "", clusterPurpose: "fastprod", loadBalancerType: "internalloadbalancer"
        ).normalized()
        #expect(attach.clusterPurpose == "FastProd" && attach.loadBalancerType == "InternalLoadBalancer")
        let unknown = #expect(throws: BerthError.self) {
            _ = try CreateComputeRequest(name: "c", clusterPurpose: "Prod").normalized()
        }
        #expect(unknown?.message.contains("FastProd") == true, "\(String(describing: unknown))")
        #expect(throws: BerthError.self) { _ = try CreateComputeRequest(name: "c", vmSize: "Standard_X").normalized() }
    }
}
