import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// TLS on an attached cluster's router, through the real CLI and server against the API double:
/// attach with a certificate puts it in a `kubernetes.io/tls` Secret the router Pods mount and
/// serve on 443; scoring URIs use the cname over https; `update --ssl-disable` takes it away.
@Suite(.validatesSentObjects)
struct RouterTLSAttachTests {
    @Test(
        "Attach with TLS mounts the certificate into the router Pods; disable returns to port 80",
        .timeLimit(.minutes(3)))
    func attachWithTLSThenDisable() async throws {
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let folder = try TemporaryDirectory("berth-k8s-tls")
            defer { folder.remove() }
            let home = folder.appending("home")
            let kubeconfig = try folder.write(Data(double.kubeconfig(namespace: "ml").utf8), to: "kubeconfig")
            try await BerthServer.withRunning(home: home) { _ in
                try await berthSucceeds(
                    [
                        "computetarget", "attach", "kubernetes", "-n", "aks-tls", "--kubeconfig", kubeconfig.path,
                        "--cluster-purpose", "DevTest", "--ssl-self-signed", "--ssl-cname", "ml.contoso.com",
                    ], home: home)
                let secret = try #require(
                    double.object(kind: "Secret", namespace: "berth-system", name: "berth-router-tls"))
                #expect(secret["type"] == "kubernetes.io/tls")
                let certificate = try #require(secret["data"]?["tls.crt"]?.stringValue)
                let pem = String(decoding: Data(base64Encoded: certificate) ?? Data(), as: UTF8.self)
                #expect(pem.contains("BEGIN CERTIFICATE"))
                #expect(secret["data"]?["tls.key"] != nil)

                let deployment = try #require(
                    double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router"))
                let container = try #require(deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
                let command = (container["command"]?.arrayValue ?? []).compactMap(\.stringValue)
                #expect(command.contains("--ssl-cert-pem-file") && command.contains("ml.contoso.com"), "\(command)")
                #expect(container["readinessProbe"]?["httpGet"]?["scheme"] == "HTTPS")
                let service = try #require(
                    double.object(kind: "Service", namespace: "berth-system", name: "berth-router"))
                #expect(service["spec"]?["ports"]?.arrayValue?.first?["port"] == 443)

                let shown = try await BerthCLI.run(
                    ["computetarget", "show", "-n", "aks-tls", "-o", "json"], home: home)
                let compute = try shown.json(ComputeTarget.self)
                #expect(compute.sslConfiguration?.cname == "ml.contoso.com")

                try await berthSucceeds(["computetarget", "update", "-n", "aks-tls", "--ssl-disable"], home: home)
                #expect(double.object(kind: "Secret", namespace: "berth-system", name: "berth-router-tls") == nil)
                let plain = try #require(
                    double.object(kind: "Service", namespace: "berth-system", name: "berth-router"))
                #expect(plain["spec"]?["ports"]?.arrayValue?.first?["port"] == 80)
                let after = try await BerthCLI.run(
                    ["computetarget", "show", "-n", "aks-tls", "-o", "json"], home: home)
                #expect(try after.json(ComputeTarget.self).sslConfiguration == nil)
            }
        }
    }

    private func berthSucceeds(_ arguments: [String], home: URL) async throws {
        let result = try await BerthCLI.run(arguments, home: home)
        try #require(result.succeeded, "\(result)")
    }
}
