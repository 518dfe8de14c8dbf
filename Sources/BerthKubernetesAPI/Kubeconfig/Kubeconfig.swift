import Foundation

/// Reads a kubeconfig file as kubectl does and resolves one of its contexts to a
/// `KubernetesConnection`.
///
/// Rules followed (kubectl's): the context is `--context` if given, else `current-context`;
/// file references (`certificate-authority`, `client-certificate`, `client-key`, `tokenFile`) are
/// relative to the kubeconfig's folder; `*-data` fields are base64; `token` wins over `tokenFile`;
/// `insecure-skip-tls-verify` together with a CA is an error, as in kubectl. Credential plugins
/// (`exec`) and legacy `auth-provider`s are refused with a message saying what to use instead.
///
/// ```swift
/// let connection = try Kubeconfig.load(path: "~/.kube/config", context: nil, namespace: nil)
/// ```
public enum Kubeconfig {
    /// Loads `path` and resolves `context` (else the current context).
    ///
    /// - Parameters:
    ///   - path: The kubeconfig file; `~` is expanded.
    ///   - context: The context to use; nil uses `current-context`.
    ///   - namespace: Overrides the context's namespace.
    /// - Throws: `KubernetesError` with code `.kubeconfig` naming the file and what is wrong.
    public static func load(path: String, context: String? = nil, namespace: String? = nil) throws
        -> KubernetesConnection
    {
        let expanded = (path as NSString).expandingTildeInPath
        let url = URL(fileURLWithPath: expanded)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KubernetesError.kubeconfig(
                "The kubeconfig file \(expanded) cannot be read. Give the path of a kubeconfig that works with 'kubectl --kubeconfig PATH get nodes'."
            )
        }
        return try resolve(
            text: text, path: expanded, baseDirectory: url.deletingLastPathComponent(), context: context,
            namespace: namespace)
    }

    /// Resolves kubeconfig `text`; relative file references are taken from `baseDirectory`.
    public static func resolve(
        text: String, path: String, baseDirectory: URL, context requested: String? = nil, namespace: String? = nil
    ) throws -> KubernetesConnection {
        let file = try KubeconfigFile.parse(text, path: path)
        let contexts = file.contexts ?? []
        guard let contextName = requested ?? file.currentContext.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw KubernetesError.kubeconfig(
                "The kubeconfig file \(path) has no current-context. Pass --context with one of: \(names(contexts))."
            )
        }
        guard let context = contexts.first(where: { $0.name == contextName })?.value else {
            throw KubernetesError.kubeconfig(
                "The kubeconfig file \(path) has no context '\(contextName)'. Its contexts: \(names(contexts)).")
        }
        guard let clusterName = context.cluster,
            let cluster = file.clusters?.first(where: { $0.name == clusterName })?.value
        else {
            throw KubernetesError.kubeconfig(
                "Context '\(contextName)' in \(path) names cluster '\(context.cluster ?? "")', which the file does not define."
            )
        }
        guard let serverText = cluster.server, let server = URL(string: serverText), server.host != nil,
            ["https", "http"].contains(server.scheme ?? "")
        else {
            throw KubernetesError.kubeconfig(
                "Cluster '\(clusterName)' in \(path) has no usable server URL (got '\(cluster.server ?? "")'); it must look like https://HOST:PORT."
            )
        }
        var user = KubeconfigFile.User()
        if let userName = context.user, !userName.isEmpty {
            guard let found = file.users?.first(where: { $0.name == userName }) else {
                throw KubernetesError.kubeconfig(
                    "Context '\(contextName)' in \(path) names user '\(userName)', which the file does not define.")
            }
            user = found.value ?? KubeconfigFile.User()
        }
        let reader = FieldReader(path: path, baseDirectory: baseDirectory)
        let ca = try reader.bytes(
            data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
            field: "clusters[\(clusterName)].certificate-authority")
        let insecure = cluster.insecureSkipTLSVerify ?? false
        if insecure, ca != nil {
            throw KubernetesError.kubeconfig(
                "Cluster '\(clusterName)' in \(path) sets both insecure-skip-tls-verify and a certificate authority; kubectl refuses that too. Keep one."
            )
        }
        let userName = context.user ?? ""
        if user.exec != nil || user.authProvider != nil {
            throw KubernetesError.kubeconfig(
                "User '\(userName)' in \(path) authenticates through a credential plugin (exec/auth-provider), which Berth does not run. Use a kubeconfig with a client certificate or a token, e.g. one made for a service account (docs/kubernetes.md)."
            )
        }
        if user.username != nil {
            throw KubernetesError.kubeconfig(
                "User '\(userName)' in \(path) uses basic auth (username/password), which Kubernetes removed. Use a client certificate or a token."
            )
        }
        let certificate = try reader.bytes(
            data: user.clientCertificateData, file: user.clientCertificate,
            field: "users[\(userName)].client-certificate")
        let key = try reader.bytes(
            data: user.clientKeyData, file: user.clientKey, field: "users[\(userName)].client-key")
        if (certificate == nil) != (key == nil) {
            throw KubernetesError.kubeconfig(
                "User '\(userName)' in \(path) has a client certificate without its key, or a key without its certificate; give both."
            )
        }
        var token = user.token.flatMap { $0.isEmpty ? nil : $0 }
        if token == nil, let tokenFile = user.tokenFile {
            token = try reader.text(file: tokenFile, field: "users[\(userName)].tokenFile")
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let chosenNamespace = namespace ?? context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return KubernetesConnection(
            contextName: contextName, clusterName: clusterName, server: server, certificateAuthorityPEM: ca,
            clientCertificatePEM: certificate, clientKeyPEM: key, bearerToken: token,
            insecureSkipTLSVerify: insecure, namespace: chosenNamespace)
    }

    private static func names<Value: Decodable & Sendable>(_ list: [KubeconfigFile.Named<Value>]) -> String {
        list.isEmpty ? "(none)" : list.map(\.name).joined(separator: ", ")
    }
}

/// Reads `*-data` (base64) and file-reference fields of one kubeconfig.
private struct FieldReader {
    let path: String
    let baseDirectory: URL

    func bytes(data: String?, file: String?, field: String) throws -> Data? {
        if let data, !data.isEmpty {
            let compact = data.filter { !$0.isWhitespace }
            guard let decoded = Data(base64Encoded: compact) else {
                throw KubernetesError.kubeconfig("\(field)-data in \(path) is not valid base64.")
            }
            return decoded
        }
        guard let file, !file.isEmpty else { return nil }
        return Data(try text(file: file, field: field).utf8)
    }

    func text(file: String, field: String) throws -> String {
        let expanded = (file as NSString).expandingTildeInPath
        let url =
            expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded) : baseDirectory.appendingPathComponent(expanded)
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw KubernetesError.kubeconfig(
                "\(field) in \(path) points at \(url.path), which cannot be read. Paths are relative to the kubeconfig's folder."
            )
        }
        return text
    }
}
