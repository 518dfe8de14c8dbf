import Foundation

/// Everything needed to talk to one cluster's API server, resolved from a kubeconfig context.
///
/// Certificates and keys are held as PEM bytes (file references are read when the kubeconfig is
/// loaded), so a connection can be stored and used without the kubeconfig's neighbouring files.
/// `description` never shows the token or the private key.
public struct KubernetesConnection: Sendable, Hashable, CustomStringConvertible {
    /// The context's name in the kubeconfig.
    public var contextName: String
    /// The cluster's name in the kubeconfig.
    public var clusterName: String
    /// The API server, e.g. `https://10.0.0.1:6443`.
    public var server: URL
    /// PEM of the CA that signed the API server's certificate; nil trusts the system's roots.
    public var certificateAuthorityPEM: Data?
    /// PEM of the client certificate chain, for certificate authentication.
    public var clientCertificatePEM: Data?
    /// PEM of the client certificate's private key. Secret.
    public var clientKeyPEM: Data?
    /// A bearer token. Secret.
    public var bearerToken: String?
    /// `insecure-skip-tls-verify`: do not check the API server's certificate.
    public var insecureSkipTLSVerify: Bool
    /// The namespace deployments go to: the `--namespace` given, else the context's, else `default`.
    public var namespace: String

    public init(
        contextName: String, clusterName: String, server: URL, certificateAuthorityPEM: Data? = nil,
        clientCertificatePEM: Data? = nil, clientKeyPEM: Data? = nil, bearerToken: String? = nil,
        insecureSkipTLSVerify: Bool = false, namespace: String = "default"
    ) {
        self.contextName = contextName
        self.clusterName = clusterName
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.bearerToken = bearerToken
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.namespace = namespace
    }

    /// Which way of authenticating this connection uses, for messages.
    public var authentication: String {
        if clientCertificatePEM != nil { return "client certificate" }
        if bearerToken != nil { return "bearer token" }
        return "none"
    }

    public var description: String {
        "context '\(contextName)' (cluster '\(clusterName)', \(server.absoluteString), namespace '\(namespace)', auth: \(authentication)\(insecureSkipTLSVerify ? ", TLS not verified" : ""))"
    }
}
