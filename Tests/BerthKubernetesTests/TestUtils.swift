import BerthKubernetes
import BerthKubernetesDouble
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
