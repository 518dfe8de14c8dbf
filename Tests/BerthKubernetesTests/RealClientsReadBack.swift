import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// Real Kubernetes clients — Debian's `kubectl` and the official `kubernetes` Python client — read
/// back what Berth made for a deployed service, through the API double: discovery, `get` (table,
/// `-o yaml`), `describe`, `rollout status`, `logs`, and the Python client's typed models. A
/// client that cannot read an object is a difference between the double and a real API server.
enum RealClientsReadBack {
    /// `kubectl` as installed (the machine image's, `/usr/bin/kubectl`).
    static let kubectlPath = "/usr/bin/kubectl"

    /// Runs every check for `service` (Deployment `berth-SERVICE`) in `namespace`, whose one Pod
    /// has logged `init() succeeded`.
    static func check(
        double: RunningKubernetesAPIDouble, kubeconfig: URL, namespace: String, service: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let name = "berth-\(service)"
        let cache = try TemporaryDirectory("berth-kubectl-cache")
        defer { cache.remove() }
        func kubectl(_ arguments: String...) async throws -> String {
            let output = try await RunToCompletion.run(
                kubectlPath, ["--kubeconfig", kubeconfig.path, "--cache-dir", cache.url.path] + arguments)
            #expect(
                output.succeeded, "kubectl \(arguments): \(output.stdout)\(output.stderr)",
                sourceLocation: sourceLocation)
            return output.stdout
        }
        let everything = try await kubectl(
            "get", "deployments,services,secrets,serviceaccounts,networkpolicies,pods", "-n", namespace,
            "-l", "berth.dev/service=\(service)", "-o", "name")
        for object in [
            "deployment.apps/\(name)", "service/\(name)", "secret/\(name)", "networkpolicy.networking.k8s.io/\(name)",
        ] {
            #expect(everything.contains(object), "kubectl get: \(everything)", sourceLocation: sourceLocation)
        }
        #expect(everything.contains("pod/\(name)-"), "kubectl get: \(everything)", sourceLocation: sourceLocation)
        let system = try await kubectl("get", "all,roles,rolebindings,serviceaccounts,secrets", "-n", "berth-system")
        for object in [
            "deployment.apps/berth-router", "service/berth-router", "role.rbac.authorization.k8s.io/berth-router",
        ] {
            #expect(system.contains(object), "kubectl get -n berth-system: \(system)", sourceLocation: sourceLocation)
        }
        let table = try await kubectl("get", "deployment", name, "-n", namespace)
        #expect(table.contains(name), "\(table)", sourceLocation: sourceLocation)

        let yaml = try await kubectl("get", "deployment", name, "-n", namespace, "-o", "yaml")
        for line in ["kind: Deployment", "name: \(name)", "berth.dev/service: \(service)", "- replica", "replicas: 1"] {
            #expect(yaml.contains(line), "kubectl get -o yaml lacks '\(line)': \(yaml)", sourceLocation: sourceLocation)
        }
        let described = try await kubectl("describe", "deployment", name, "-n", namespace)
        #expect(
            described.contains("1 desired | 1 updated | 1 total | 1 available | 0 unavailable"), "\(described)",
            sourceLocation: sourceLocation)
        let describedPods = try await kubectl("describe", "pods", "-n", namespace, "-l", "berth.dev/service=\(service)")
        #expect(
            describedPods.contains("Controlled By:  Deployment/\(name)") || describedPods.contains("Controlled By:"),
            "\(describedPods)", sourceLocation: sourceLocation)
        let describedService = try await kubectl("describe", "service", name, "-n", namespace)
        #expect(describedService.contains("Selector:"), "\(describedService)", sourceLocation: sourceLocation)

        let rollout = try await kubectl("rollout", "status", "deployment/\(name)", "-n", namespace, "--timeout=60s")
        #expect(rollout.contains("successfully rolled out"), "\(rollout)", sourceLocation: sourceLocation)
        let logs = try await kubectl("logs", "deployment/\(name)", "-n", namespace, "-c", "replica")
        #expect(logs.contains("init() succeeded"), "\(logs)", sourceLocation: sourceLocation)

        try await checkPythonClient(
            kubeconfig: kubeconfig, namespace: namespace, service: service, sourceLocation: sourceLocation)
    }

    static func checkPythonClient(
        kubeconfig: URL, namespace: String, service: String, sourceLocation: SourceLocation
    ) async throws {
        let script = TestPaths.fixtures.appendingPathComponent("kubernetes/python_client_read_back.py")
        let output = try await RunToCompletion.run(
            TestPaths.fixturePython, [script.path, kubeconfig.path, namespace, service])
        try #require(output.succeeded, "\(output.stdout)\(output.stderr)", sourceLocation: sourceLocation)
        let report = try JSONValue(parsing: Data(output.stdout.utf8))
        let deployment = report["deployment"]
        #expect(deployment?["replicas"] == 1, "\(report)", sourceLocation: sourceLocation)
        #expect(deployment?["readyReplicas"] == 1, "\(report)", sourceLocation: sourceLocation)
        #expect(
            deployment?["command"]?.arrayValue?.prefix(2) == ["berth", "replica"], "\(report)",
            sourceLocation: sourceLocation)
        let pods = report["pods"]?.arrayValue ?? []
        #expect(
            pods.count == 1 && pods.first?["ready"] == true && pods.first?["phase"] == "Running", "\(report)",
            sourceLocation: sourceLocation)
        #expect(
            report["service"]?["selector"]?["berth.dev/service"]?.stringValue == service, "\(report)",
            sourceLocation: sourceLocation)
        #expect(
            report["service"]?["clusterIP"]?.stringValue?.isEmpty == false, "\(report)", sourceLocation: sourceLocation)
        #expect(
            report["secretKeys"]?.arrayValue?.contains("artifact-token") == true, "\(report)",
            sourceLocation: sourceLocation)
        #expect(report["logHasInit"] == true, "\(report)", sourceLocation: sourceLocation)
        #expect(report["routerDeployments"] == ["berth-router"], "\(report)", sourceLocation: sourceLocation)
        #expect(
            report["routerRoleBindings"]?.arrayValue?.contains("berth-router") == true, "\(report)",
            sourceLocation: sourceLocation)
    }
}
