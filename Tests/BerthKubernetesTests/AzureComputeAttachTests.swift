import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Azure's `ComputeTarget.attach(ws, name, AksCompute.attach_configuration(...))` as the SDK sends
/// it (ARM `PUT …/computes/<name>` with an AKS `resourceId`, then `Azure-AsyncOperation` polling
/// and the resource provider's read), against a real `berth server` whose kubeconfig has a context
/// named like the AKS cluster, pointing at the Kubernetes API double; then `get_credentials()` and
/// `detach()`. Without such a context the attach is refused with what to do.
@Suite(.validatesSentObjects)
struct AzureComputeAttachTests {
    @Test("ComputeTarget.attach picks the kubeconfig context named like the AKS cluster", .timeLimit(.minutes(3)))
    func attachThroughTheAzureDialect() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let folder = try TemporaryDirectory("berth-azure-attach")
            defer { folder.remove() }
            let home = folder.appending("home")
            let kubeconfig = try folder.write(
                Data(double.kubeconfig(context: "myakscluster", namespace: "ml").utf8), to: "kubeconfig")
            try await BerthServer.withRunning(home: home, environment: ["KUBECONFIG": kubeconfig.path]) { server in
                try await journey(server: server, double: double, home: home)
            }
        }
    }

    func journey(server: BerthServer, double: RunningKubernetesAPIDouble, home: URL) async throws {
        let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: WorkspaceLayout(root: home))
        let admin = [("Authorization", "Bearer \(try server.adminToken())"), ("Content-Type", "application/json")]
        let arm = server.baseURL + identity.armPath
        func attach(_ name: String, cluster: String) async throws -> TestResponse {
            let body = """
                {"location": "local", "properties": {"computeType": "AKS",
                 "resourceId": "/subscriptions/x/resourcegroups/aksrg/providers/Microsoft.ContainerService/managedClusters/\(cluster)",
                 "properties": {"clusterPurpose": "DevTest", "loadBalancerType": "PublicIp", "loadBalancerSubnet": null}}}
                """
            return try await TestHTTP.send(
                .PUT, arm + "/computes/\(name)?api-version=2020-02-02", headers: admin, body: .init(string: body))
        }

        let unknown = try await attach("nocontext", cluster: "someothercluster")
        #expect(unknown.status == 400, "\(unknown.text)")
        #expect(unknown.text.contains("someothercluster"), "\(unknown.text)")

        let attached = try await attach("myaks", cluster: "myakscluster")
        #expect(attached.status == 201, "\(attached.text)")
        let poll = try #require(attached.headers.first(name: "Azure-AsyncOperation"))
        let status = try await TestHTTP.get(poll, headers: admin)
        #expect((try status.json() as? [String: Any])?["status"] as? String == "Succeeded", "\(status.text)")
        #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") != nil)

        let read = try await TestHTTP.get(
            server.baseURL + "/rp/workspaces" + identity.armPath + "/computes/myaks?api-version=2020-02-02",
            headers: admin)
        let properties = (try read.json() as? [String: Any])?["properties"] as? [String: Any]
        #expect(properties?["provisioningState"] as? String == "Succeeded", "\(read.text)")
        #expect(properties?["isAttachedCompute"] as? Bool == true)
        #expect((properties?["resourceId"] as? String)?.hasSuffix("/managedClusters/myakscluster") == true)

        let keys = try await TestHTTP.post(arm + "/computes/myaks/listKeys?api-version=2020-02-02", "", headers: admin)
        #expect((try keys.json() as? [String: Any])?["userKubeConfig"] as? String != "", "\(keys.text)")

        let detached = try await TestHTTP.send(
            .DELETE, arm + "/computes/myaks?api-version=2020-02-02&underlyingResourceAction=Detach", headers: admin)
        #expect(detached.status == 202, "\(detached.text)")
        #expect(double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router") == nil)
        let gone = try await TestHTTP.get(
            server.baseURL + "/rp/workspaces" + identity.armPath + "/computes/myaks?api-version=2020-02-02",
            headers: admin)
        #expect(gone.status == 404)
    }
}
