import BerthCore
import Foundation

/// The kubeconfig of the server's own environment (`$KUBECONFIG`, else `~/.kube/config`), from
/// which Azure's `ComputeTarget.attach` picks the context named after the AKS cluster: the SDK
/// sends only an Azure resource id, never cluster credentials.
struct ServerKubeconfig: Sendable {
    var environment: [String: String] = ProcessInfo.processInfo.environment

    /// The kubeconfig's text, checked to name a context `cluster`.
    func text(forCluster cluster: String) throws -> String {
        let path =
            environment["KUBECONFIG"].flatMap { $0.split(separator: ":").first.map(String.init) }
            ?? (environment["HOME"].map { $0 + "/.kube/config" } ?? "")
        guard !path.isEmpty, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw BerthError.badRequest(
                "ComputeTarget.attach names AKS cluster '\(cluster)', but this Berth server has no kubeconfig "
                    + "(looked at \(path.isEmpty ? "$KUBECONFIG and ~/.kube/config" : "'\(path)'")). Start 'berth server' "
                    + "with KUBECONFIG set to a file with a context named '\(cluster)', or attach with "
                    + "'berth computetarget attach kubernetes'.")
        }
        return text
    }
}
