import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// The route feed over TLS: with the admin API beyond loopback (so served with a certificate from
/// the workspace CA), attach puts that CA in the router's feed Secret and the router Pods run with
/// `--feed-ca-file`; a router given the CA follows the feed over https, one without it does not.
@Suite(.validatesSentObjects)
struct FeedOverTLSTests {
    @Test(
        "A router trusting the workspace CA follows the feed over https; one without it stays unready",
        .timeLimit(.minutes(3)))
    func feedOverTLS() async throws {
        let folder = try TemporaryDirectory("berth-feed-tls")
        defer { folder.remove() }
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")])
        try await KubernetesAPIDouble.withRunning(configuration) { double in
            let home = folder.appending("home")
            let server = try await BerthServer.start(
                home: home, extraArguments: ["--ssl-self-signed", "--admin-host", "0.0.0.0"])
            var routers: [ChildProcess] = []
            do {
                #expect(server.baseURL.hasPrefix("https://"), "\(server.baseURL)")
                let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
                let attached = try await BerthCLI.run(
                    [
                        "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", kubeconfig.path,
                        "--cluster-purpose", "DevTest",
                    ], home: home)
                try #require(attached.succeeded, "\(attached)")
                let secret = try #require(
                    double.object(kind: "Secret", namespace: "berth-system", name: "berth-router"))
                #expect(secret["data"]?["control-plane-ca"] != nil)
                let deployment = try #require(
                    double.object(kind: "Deployment", namespace: "berth-system", name: "berth-router"))
                let container = try #require(deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
                let command = (container["command"]?.arrayValue ?? []).compactMap(\.stringValue)
                #expect(command.contains("--feed-ca-file"), "\(command)")

                let caFile = home.appendingPathComponent("tls/ca.pem").path
                let trusting = try Self.startRouter(
                    server: server, double: double, kubeconfig: kubeconfig, folder: folder, name: "trusting",
                    extra: ["--feed-ca-file", caFile])
                routers.append(trusting)
                let distrusting = try Self.startRouter(
                    server: server, double: double, kubeconfig: kubeconfig, folder: folder, name: "distrusting",
                    extra: [])
                routers.append(distrusting)
                let trustingURL = try await trusting.listeningAddress()
                let distrustingURL = try await distrusting.listeningAddress()
                var ready = false
                for _ in 0..<100 where !ready {
                    ready = (try? await TestHTTP.get("\(trustingURL)/ready").status) == 200
                    if !ready { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(ready, "\(trusting.stderr)")
                // By now the other has tried the feed too, and refused the certificate.
                #expect(try await TestHTTP.get("\(distrustingURL)/ready").status == 503)
            } catch {
                for router in routers { _ = await router.terminate() }
                await server.stop()
                throw error
            }
            for router in routers { _ = await router.terminate() }
            await server.stop()
        }
    }

    static func startRouter(
        server: BerthServer, double: RunningKubernetesAPIDouble, kubeconfig: URL, folder: TemporaryDirectory,
        name: String, extra: [String]
    ) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["BERTH_FEED_TOKEN"] = try RouteFeedTests.feedToken(double)
        let logs = folder.appending(name)
        return try ChildProcess(
            executable: TestPaths.berthExecutable,
            arguments: [
                "router", "--feed", server.baseURL, "--compute", "aks-1", "--kubeconfig", kubeconfig.path,
                "--namespace", "default", "--port", "0", "--cluster-purpose", "DevTest",
            ] + extra,
            environment: environment, stdoutFile: logs.appendingPathComponent("out"),
            stderrFile: logs.appendingPathComponent("err"))
    }
}
