import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// The environment of replica Pods, through the real CLI and server against the API double: the
/// registry (a double, with credentials) has no image for the environment, so each Pod's
/// `build-environment` init container builds the venv (a real `python -m venv` and `pip install
/// six`) into the cache claim, the replica runs that venv's Python, and a redeploy's new Pod finds
/// the venv complete in the cache and builds nothing.
@Suite(.validatesSentObjects)
struct KubernetesEnvironmentEndToEndTests {
    static let fixture = TestPaths.fixtures.appendingPathComponent("kubernetes/env-six")

    @Test(
        "A venv built at start into the cache claim serves the entry script; a redeploy reuses it",
        .timeLimit(.minutes(8)))
    func venvBuiltAtStartAndReused() async throws {
        let folder = try TemporaryDirectory("berth-k8s-env")
        defer { folder.remove() }
        let runtime = KubernetesAPIDouble.PodRuntime.berthReplicas(in: folder)
        let configuration = KubernetesAPIDouble.Configuration(nodes: [.init(name: "n1", cpu: "4")], podRuntime: runtime)
        let credentials = try folder.write(
            Data(#"{"username": "berth", "password": "s3cret"}"#.utf8), to: "registry.json")
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials.path)
        let registry = RegistryDouble.Configuration(username: "berth", password: "s3cret", images: ["berth/env:other"])
        try await RegistryDouble.withRunning(registry) { registryURL in
            try await KubernetesAPIDouble.withRunning(configuration) { double in
                let environment = [
                    "BERTH_KUBERNETES_REGISTRY": registryURL, "BERTH_KUBERNETES_REGISTRY_CREDENTIALS": credentials.path,
                    "BERTH_KUBERNETES_ENV_CACHE_CLAIM": "berth-venvs",
                ]
                try await BerthServer.withRunning(home: folder.appending("home"), environment: environment) { server in
                    try await journey(double: double, server: server, folder: folder, registryURL: registryURL)
                }
            }
        }
    }

    func journey(
        double: RunningKubernetesAPIDouble, server: BerthServer, folder: TemporaryDirectory, registryURL: String
    )
        async throws
    {
        func berth(_ arguments: String...) async throws -> BerthCLI.Result {
            try await berthSucceeds(arguments, home: server.home, timeout: .seconds(300))
        }
        let kubeconfig = try folder.write(Data(double.kubeconfig().utf8), to: "kubeconfig")
        let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
        _ = try await berth(
            "computetarget", "attach", "kubernetes", "-n", "aks-env", "--kubeconfig", kubeconfig.path,
            "--cluster-purpose", "DevTest")
        try await double.exposeRouter(at: server.info.routerURL)
        _ = try await berth("model", "register", "-n", "six-model", "-p", model.path)
        let inferenceConfig = Self.fixture.appendingPathComponent("inferenceconfig.json").path
        let registryHost = registryURL.replacingOccurrences(of: "http://", with: "")

        let deployed = try await berth(
            "model", "deploy", "-n", "six-k8s", "-m", "six-model:1", "--ic", inferenceConfig, "--ct", "aks-env")
        #expect(deployed.stdout.contains("Service 'six-k8s' is Healthy."), "\(deployed)")
        #expect(deployed.stdout.contains("venv built at start (no image for "), "\(deployed)")
        #expect(deployed.stdout.contains(" in \(registryHost))"), "\(deployed)")
        let first = try #require(replicaPods(double).first)
        let template = double.object(kind: "Deployment", namespace: "default", name: "berth-six-k8s")?["spec"]?[
            "template"]
        #expect(
            template?["metadata"]?["annotations"]?["berth.dev/environment"]?.stringValue?.contains(
                "venv built at start") == true)
        #expect(template?["spec"]?["imagePullSecrets"] == [["name": "berth-six-k8s-registry"]])
        let firstBuild = try await initLog(double, pod: first)
        #expect(firstBuild.contains("no complete venv in the cache volume; building one"), "\(firstBuild)")
        #expect(firstBuild.contains("venv ready"), "\(firstBuild)")

        let scored = try await berth("service", "run", "-n", "six-k8s", "-d", #"{"x": 1}"#)
        #expect(scored.stdout.contains(#""six""#), "\(scored)")
        #expect(
            scored.stdout.contains("claims/default/berth-venvs/"),
            "the replica runs the cached venv's Python: \(scored)")

        // A redeploy is a new revision: a new Pod, whose init step finds the venv complete.
        let redeployed = try await berth(
            "model", "deploy", "-n", "six-k8s", "-m", "six-model:1", "--ic", inferenceConfig, "--ct", "aks-env",
            "--overwrite")
        #expect(redeployed.stdout.contains("Service 'six-k8s' is Healthy."), "\(redeployed)")
        let second = try #require(replicaPods(double).first { $0 != first })
        #expect(second != first)
        let secondBuild = try await initLog(double, pod: second)
        #expect(
            secondBuild.contains("reused the complete venv in the cache volume; nothing to build"), "\(secondBuild)")
        #expect(!secondBuild.contains("building one"), "\(secondBuild)")
        // "Healthy" is said once the router has the new replicas (the table is built before).
        let again = try await BerthCLI.run(["service", "run", "-n", "six-k8s", "-d", #"{"x": 2}"#], home: server.home)
        #expect(again.succeeded && again.stdout.contains(#""six""#), "\(again)")

        _ = try await berth("service", "delete", "-n", "six-k8s")
        _ = try await berth("computetarget", "detach", "-n", "aks-env")
    }

    func replicaPods(_ double: RunningKubernetesAPIDouble) -> [String] {
        double.objects(kind: "Pod").filter { $0["metadata"]?["labels"]?["berth.dev/service"] == "six-k8s" }
            .compactMap { $0["metadata"]?["name"]?.stringValue }
    }

    /// The `build-environment` init container's log, read through the double's `pods/log` API.
    func initLog(_ double: RunningKubernetesAPIDouble, pod: String) async throws -> String {
        let url = double.url.appendingPathComponent("api/v1/namespaces/default/pods/\(pod)/log").absoluteString
        return try await TestHTTP.get(url + "?container=build-environment&tailLines=50").text
    }
}
