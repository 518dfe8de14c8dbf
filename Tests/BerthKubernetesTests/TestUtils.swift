import BerthCore
import BerthKubernetesAPI
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

extension RunningKubernetesAPIDouble {
    /// A client of this double, through a kubeconfig as a user would give it.
    func client(namespace: String? = nil) throws -> KubernetesClient {
        let connection = try Kubeconfig.resolve(
            text: kubeconfig(namespace: namespace), path: "double-kubeconfig",
            baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()))
        return try KubernetesClient(connection: connection)
    }
}

extension RunningKubernetesAPIDouble {
    /// Plays the cloud's load balancer controller for an attached cluster's router: its Service
    /// gets `routerURL`'s host as ingress IP and its port (the control plane's own router stands
    /// in for the router Pods, which the double does not run), so scoring URIs point there.
    func exposeRouter(at routerURL: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let url = try #require(routerURL.flatMap(URL.init(string:)), sourceLocation: sourceLocation)
        let host = try #require(url.host, sourceLocation: sourceLocation)
        let port = try #require(url.port, sourceLocation: sourceLocation)
        try await client().mergePatch(
            .services, namespace: "berth-system", name: "berth-router",
            patch: [
                "spec": [
                    "ports": [["name": "http", "port": .number(Double(port)), "targetPort": "http", "protocol": "TCP"]]
                ]
            ])
        try setLoadBalancerIngress(namespace: "berth-system", service: "berth-router", ip: host)
    }
}

extension KubernetesAPIDouble.PodRuntime {
    /// Pods run as this build's `berth replica` with the fixtures' Python and Berth's worker
    /// package, their folders under `folder/pods`.
    static func berthReplicas(in folder: TemporaryDirectory) -> Self {
        Self(
            berthExecutable: TestPaths.berthExecutable, python: TestPaths.fixturePython,
            workDirectory: folder.appending("pods"), environment: ["BERTH_PYTHONPATH": TestPaths.pythonPackages.path])
    }
}

/// Runs the CLI against the workspace at `home` and requires that it succeeded: one step of the
/// Kubernetes journeys, which fail at the first step that does.
@discardableResult
func berthSucceeds(
    _ arguments: [String], home: URL, timeout: Duration = .seconds(180),
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> BerthCLI.Result {
    let result = try await BerthCLI.run(arguments, home: home, timeout: timeout)
    try #require(result.succeeded, "\(result)", sourceLocation: sourceLocation)
    return result
}
