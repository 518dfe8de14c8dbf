import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import BerthStore

/// Scoring URIs of services on an attached cluster: built from the address of the cluster's
/// router Service (its load balancer's ingress IP or hostname), because clients score through
/// that router; the control plane's own router URL is right only for the local compute target.
///
/// While the load balancer has no address yet, a service has no scoring URI and the reason is
/// given instead (the deploy log), rather than a URL that does not reach the cluster.
struct ClusterScoringURIs: Sendable {
    let store: any MetadataStore
    let clusters: KubernetesClusters

    /// Sets `service`'s scoring and swagger URIs from its cluster's router, when it runs on an
    /// attached cluster; returns why there are none yet, or nil (set, or not on a cluster).
    func apply(to service: inout Webservice) async -> String? {
        guard let address = await address(forComputeNamed: service.computeName) else { return nil }
        switch address {
        case .ready(let base):
            service.scoringUri = "\(base)/api/v1/service/\(service.name)/score"
            service.swaggerUri = "\(base)/api/v1/service/\(service.name)/swagger.json"
            return nil
        case .pending(let message):
            service.scoringUri = nil
            service.swaggerUri = nil
            return message
        }
    }

    /// The router address of compute target `name`, or nil when it is not an attached cluster.
    func address(forComputeNamed name: String) async -> RouterAddress? {
        guard let compute = try? await store.compute(named: name), compute.kubernetes != nil else { return nil }
        do {
            let client = try clusters.client(of: compute)
            return try await ClusterAttachment(client: client, logger: clusters.logger).routerAddress(
                computeName: name, cname: compute.sslConfiguration?.cname)
        } catch {
            let reason = (error as? KubernetesError)?.message ?? (error as? BerthError)?.message ?? "\(error)"
            return .pending(
                message:
                    "No scoring URI yet: the router address of compute target '\(name)' could not be read (\(reason)).")
        }
    }
}
