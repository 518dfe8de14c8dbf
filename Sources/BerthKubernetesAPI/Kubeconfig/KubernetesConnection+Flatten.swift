import BerthCore
import Foundation

extension KubernetesConnection {
    /// A self-contained kubeconfig (JSON, which is YAML) holding only this connection, with every
    /// file reference inlined as `*-data` — what `kubectl config view --flatten --minify` prints.
    ///
    /// The CLI sends this to the control plane at attach, so the server never needs the user's
    /// files. It contains secrets: store it with mode 0600 and never log it.
    public var flattenedKubeconfig: String {
        var cluster: [String: JSONValue] = ["server": .string(server.absoluteString)]
        if let certificateAuthorityPEM {
            cluster["certificate-authority-data"] = .string(certificateAuthorityPEM.base64EncodedString())
        }
        if insecureSkipTLSVerify { cluster["insecure-skip-tls-verify"] = true }
        var user: [String: JSONValue] = [:]
        if let clientCertificatePEM {
            user["client-certificate-data"] = .string(clientCertificatePEM.base64EncodedString())
        }
        if let clientKeyPEM { user["client-key-data"] = .string(clientKeyPEM.base64EncodedString()) }
        if let bearerToken { user["token"] = .string(bearerToken) }
        let document: JSONValue = [
            "apiVersion": "v1", "kind": "Config", "current-context": .string(contextName),
            "clusters": [["name": .string(clusterName), "cluster": .object(cluster)]],
            "contexts": [
                [
                    "name": .string(contextName),
                    "context": ["cluster": .string(clusterName), "user": "berth", "namespace": .string(namespace)],
                ]
            ],
            "users": [["name": "berth", "user": .object(user)]],
        ]
        return document.canonicalJSON
    }
}
