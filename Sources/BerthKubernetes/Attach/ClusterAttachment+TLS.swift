import BerthCore
import BerthKubernetesAPI

extension ClusterAttachment {
    /// Gives the installed router the TLS of `installation` (or takes it away): the certificate
    /// Secret, then the Deployment (its mount and `--ssl-…` options: a rolling update of the router
    /// Pods) and the Service (443 with TLS, else 80). With the same Secret contents, nothing rolls.
    ///
    /// - Throws: `KubernetesError` when the API fails.
    public func updateRouterTLS(_ installation: RouterInstallation) async throws {
        if let secret = RouterManifests.tlsSecret(installation) { try await client.createOrReplace(secret) }
        try await client.createOrReplace(RouterManifests.deployment(installation))
        try await client.createOrReplace(RouterManifests.service(installation))
        if installation.tls == nil {
            try await client.delete(
                .secrets, namespace: ManifestLabels.systemNamespace, name: RouterInstallation.tlsSecretName)
        }
    }
}
