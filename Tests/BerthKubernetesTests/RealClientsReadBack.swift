import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// Real Kubernetes clients — Debian's `kubectl` and the official `kubernetes` Python client — read
/// back what Berth made for a deployed service, through the API double: discovery, `get` (names,
/// the table, `-o yaml`), `describe`, `rollout status`, `logs`, and the Python client's typed
/// models. A client that cannot read an object is a difference between the double and a real API
/// server, so a bug in the double.
enum RealClientsReadBack {
    /// `kubectl` as the machine image installs it.
    static let kubectlPath = "/usr/bin/kubectl"

    /// Runs every check for `service` (Deployment `berth-SERVICE`) in `namespace`, whose Pods have
    /// logged `init() succeeded`.
    static func check(
        double: RunningKubernetesAPIDouble, kubeconfig: URL, namespace: String, service: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: kubectlPath),
            "kubectl is not installed at \(kubectlPath) (Debian: apt-get install kubernetes-client)",
            sourceLocation: sourceLocation)
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
        func expect(_ text: String, contains part: String, _ what: String) {
            #expect(text.contains(part), "\(what) lacks '\(part)': \(text)", sourceLocation: sourceLocation)
        }
        let objects = try await kubectl(
            "get", "deployments,services,secrets,networkpolicies,pods", "-n", namespace,
            "-l", "berth.dev/service=\(service)", "-o", "name")
        for object in [
            "deployment.apps/\(name)", "service/\(name)", "secret/\(name)",
            "networkpolicy.networking.k8s.io/\(name)", "pod/\(name)-",
        ] {
            expect(objects, contains: object, "kubectl get")
        }
        let system = try await kubectl("get", "all,serviceaccounts,secrets", "-n", "berth-system", "-o", "name")
        for object in ["deployment.apps/berth-router", "service/berth-router", "serviceaccount/berth-router"] {
            expect(system, contains: object, "kubectl get -n berth-system")
        }
        let roles = try await kubectl("get", "roles,rolebindings", "-n", namespace, "-o", "name")
        for object in [
            "role.rbac.authorization.k8s.io/berth-router", "rolebinding.rbac.authorization.k8s.io/berth-router",
        ] {
            expect(roles, contains: object, "kubectl get roles,rolebindings")
        }
        // Waits, as a user would, until every replica of the current template is available.
        let rollout = try await kubectl("rollout", "status", "deployment/\(name)", "-n", namespace, "--timeout=60s")
        expect(rollout, contains: "successfully rolled out", "kubectl rollout status")
        let replicas = Int(
            double.object(kind: "Deployment", namespace: namespace, name: name)?["spec"]?["replicas"]?.numberValue ?? -1
        )

        // The server-side Table's columns, as kubectl prints them.
        let table = try await kubectl("get", "deployment", name, "-n", namespace)
        expect(table, contains: "READY   UP-TO-DATE   AVAILABLE   AGE", "kubectl get deployment")
        expect(table, contains: "\(replicas)/\(replicas)", "kubectl get deployment")
        let podTable = try await kubectl(
            "get", "pods", "-n", namespace, "-l", "berth.dev/service=\(service)", "-o", "wide")
        expect(podTable, contains: "Running", "kubectl get pods -o wide")
        expect(podTable, contains: "127.0.0.", "kubectl get pods -o wide")
        let serviceTable = try await kubectl("get", "services", "-n", "berth-system")
        expect(serviceTable, contains: "LoadBalancer", "kubectl get services")
        let yaml = try await kubectl("get", "deployment", name, "-n", namespace, "-o", "yaml")
        for line in [
            "kind: Deployment", "name: \(name)", "berth.dev/service: \(service)", "- replica", "replicas: \(replicas)",
        ] {
            expect(yaml, contains: line, "kubectl get -o yaml")
        }
        let described = try await kubectl("describe", "deployment", name, "-n", namespace)
        expect(
            described,
            contains:
                "\(replicas) desired | \(replicas) updated | \(replicas) total | \(replicas) available | 0 unavailable",
            "kubectl describe deployment")
        expect(described, contains: "(\(replicas)/\(replicas) replicas created)", "kubectl describe deployment")
        let pods = try await kubectl("describe", "pods", "-n", namespace, "-l", "berth.dev/service=\(service)")
        expect(pods, contains: "ReplicaSet/\(name)-", "kubectl describe pods")
        expect(pods, contains: "Ready:          True", "kubectl describe pods")
        let describedService = try await kubectl("describe", "service", name, "-n", namespace)
        expect(describedService, contains: "berth.dev/service=\(service)", "kubectl describe service")
        let logs = try await kubectl("logs", "deployment/\(name)", "-n", namespace, "-c", "replica")
        expect(logs, contains: "init() succeeded", "kubectl logs")

        try await checkPythonClient(
            kubeconfig: kubeconfig, namespace: namespace, service: service, replicas: replicas,
            sourceLocation: sourceLocation)
    }

    /// The official Python client lists and reads the same objects into its typed models.
    static func checkPythonClient(
        kubeconfig: URL, namespace: String, service: String, replicas: Int, sourceLocation: SourceLocation
    ) async throws {
        let script = TestPaths.fixtures.appendingPathComponent("kubernetes/python_client_read_back.py")
        let output = try await RunToCompletion.run(
            TestPaths.fixturePython, [script.path, kubeconfig.path, namespace, service])
        try #require(output.succeeded, "\(output.stdout)\(output.stderr)", sourceLocation: sourceLocation)
        let report = try JSONValue(parsing: Data(output.stdout.utf8))
        func check(_ condition: Bool) {
            #expect(condition, "Python client read back: \(report)", sourceLocation: sourceLocation)
        }
        let deployment = report["deployment"]
        check(deployment?["replicas"]?.numberValue == Double(replicas))
        check(deployment?["readyReplicas"]?.numberValue == Double(replicas))
        check(deployment?["command"]?.arrayValue?.prefix(2) == ["berth", "replica"])
        let pods = report["pods"]?.arrayValue ?? []
        check(pods.filter { $0["ready"] == true && $0["phase"] == "Running" }.count >= replicas)
        check(pods.allSatisfy { $0["owner"] == "ReplicaSet" })
        check(report["service"]?["selector"]?["berth.dev/service"]?.stringValue == service)
        check(report["service"]?["clusterIP"]?.stringValue?.isEmpty == false)
        check(report["secretKeys"]?.arrayValue?.contains("artifact-token") == true)
        check(report["logHasInit"] == true)
        check(report["routerDeployments"] == ["berth-router"])
        check(report["roles"] == ["berth-router"])
        check(report["roleBindings"] == ["berth-router"])
    }
}
