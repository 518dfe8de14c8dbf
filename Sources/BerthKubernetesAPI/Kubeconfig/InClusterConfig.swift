import Foundation

/// The API server connection of a Pod, as client libraries build it in-cluster: the server from
/// `KUBERNETES_SERVICE_HOST`/`_PORT`, the service account's token, CA and namespace from
/// `/var/run/secrets/kubernetes.io/serviceaccount/`.
public enum InClusterConfig {
    /// Where Kubernetes mounts the service account's credentials.
    public static let credentialsFolder = URL(fileURLWithPath: "/var/run/secrets/kubernetes.io/serviceaccount")

    /// Whether this process runs in a Pod (the API server's address is in the environment).
    public static func isAvailable(environment: [String: String]) -> Bool {
        environment["KUBERNETES_SERVICE_HOST"].map { !$0.isEmpty } ?? false
    }

    /// The connection, read afresh (the token file is rotated by the kubelet, so callers read it
    /// again on each re-list).
    ///
    /// - Throws: `KubernetesError` (`.kubeconfig`) naming what is missing.
    public static func connection(
        environment: [String: String], folder: URL = credentialsFolder, namespace: String? = nil
    ) throws -> KubernetesConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty else {
            throw KubernetesError(
                .kubeconfig,
                "KUBERNETES_SERVICE_HOST is not set: this process does not run in a Pod. Pass --kubeconfig.")
        }
        let port = environment["KUBERNETES_SERVICE_PORT"].flatMap { $0.isEmpty ? nil : $0 } ?? "443"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(hostPart):\(port)") else {
            throw KubernetesError(
                .kubeconfig, "KUBERNETES_SERVICE_HOST '\(host)' and _PORT '\(port)' do not make a URL.")
        }
        func read(_ name: String) throws -> Data {
            let file = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw KubernetesError(
                    .kubeconfig,
                    "\(file.path) cannot be read: the Pod needs a mounted service-account token (automountServiceAccountToken: true)."
                )
            }
            return data
        }
        let token = String(decoding: try read("token"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let podNamespace = (try? read("namespace")).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return KubernetesConnection(
            contextName: "in-cluster", clusterName: "in-cluster", server: server,
            certificateAuthorityPEM: try read("ca.crt"), bearerToken: token,
            namespace: namespace ?? podNamespace ?? "default")
    }
}
