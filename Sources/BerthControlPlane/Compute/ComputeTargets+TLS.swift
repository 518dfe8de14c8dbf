import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthStore
import Foundation

extension ComputeTargets {
    /// Applies `request` (Azure's `AksUpdateConfiguration`) to compute target `name`: enables,
    /// replaces, renews or disables the TLS of its scoring. The services on it get their new
    /// scoring URIs and the router its new rule at once; replicas keep running.
    func update(named name: String, _ request: UpdateComputeRequest) async throws -> ComputeTarget {
        var compute = try await compute(named: name)
        guard let ssl = request.sslConfiguration else {
            throw BerthError.badRequest(
                "Nothing to update: give sslConfiguration (--ssl-cname with --ssl-cert-pem-file and "
                    + "--ssl-key-pem-file, --ssl-leaf-domain-label, --ssl-renew or --ssl-disable).")
        }
        let applied = try tlsCertificates(for: compute).apply(ssl, to: compute)
        compute.sslConfiguration = applied?.configuration
        if compute.computeType == .kubernetes { try await updateRouterTLS(of: compute, to: applied?.router) }
        compute.modifiedOn = Date()
        try await store.updateCompute(compute)
        if compute.computeType == .local, let router = routerURL() {
            for var service in try await store.services() where service.computeName == name {
                service.setURIs(routerURL: router, tls: compute.sslConfiguration)
                try await setURIs(service.name, service.scoringUri, service.swaggerUri)
            }
        }
        routesChanged()
        return compute
    }

    /// The certificates, or why this server cannot serve any.
    func tlsCertificates(for compute: ComputeTarget) throws -> ComputeCertificates {
        guard let certificates else { throw ComputeCertificates.noRouter(compute.name) }
        return certificates
    }

    /// Gives an attached cluster's router Pods `tls` (nil: takes it away).
    private func updateRouterTLS(of compute: ComputeTarget, to tls: RouterTLS?) async throws {
        guard let clusters, let attachment = compute.kubernetes else { return }
        var installation = RouterInstallation(
            computeName: compute.name, workspaceID: try clusters.workspaceID(), purpose: compute.clusterPurpose,
            loadBalancerType: attachment.loadBalancerType, deploymentNamespace: attachment.namespace,
            image: clusters.settings.runtimeImage, controlPlaneURL: clusters.controlPlaneURL(),
            feedToken: try clusters.feedToken(of: compute.name), tls: tls,
            controlPlaneCAPEM: clusters.controlPlaneCAPEM())
        installation.traceEnvironment = clusters.settings.traceEnvironment
        do {
            try await ClusterAttachment(client: try clusters.client(of: compute), logger: clusters.logger)
                .updateRouterTLS(installation)
        } catch let error as KubernetesError {
            throw error.berthError
        }
    }
}
