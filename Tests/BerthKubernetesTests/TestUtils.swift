import BerthKubernetes
import BerthKubernetesDouble
import BerthTesting
import Foundation

extension RunningKubernetesAPIDouble {
    /// A client of this double, through a kubeconfig as a user would give it.
    func client(namespace: String? = nil) throws -> KubernetesClient {
        let connection = try Kubeconfig.resolve(
            text: kubeconfig(namespace: namespace), path: "double-kubeconfig",
            baseDirectory: URL(fileURLWithPath: NSTemporaryDirectory()))
        return try KubernetesClient(connection: connection)
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
