import BerthAutoscaling
import BerthAuth
import BerthCore
import BerthStore

/// The endpoint part of the route table: each endpoint's versions with their effective weights
/// (`TrafficSplit`), and the endpoint's auth laid over its versions' service routes so a version
/// answers to the endpoint's keys or tokens, also at its direct URI.
enum EndpointRouteBuilder {
    /// Builds the endpoint routes and rewrites the auth of the version services in `services`.
    ///
    /// A version gets traffic only once it has a ready replica: until then its share goes to the
    /// default version (if that one has replicas), so a version still deploying never fails a
    /// request of the split. Its direct URI exists from the start.
    static func build(
        _ endpoints: [Endpoint], store: any EndpointStore, services: inout [String: ServiceRoute]
    ) async throws -> [String: EndpointRoute] {
        var result: [String: EndpointRoute] = [:]
        for endpoint in endpoints {
            let keys = endpoint.authEnabled ? try await store.endpointKeys(forEndpoint: endpoint.name) : nil
            let digests = keys.map { [KeyDigest.sha256Hex($0.primaryKey), KeyDigest.sha256Hex($0.secondaryKey)] } ?? []
            let shares = TrafficSplit.effectiveShares(endpoint.versions)
            var versions: [EndpointVersionRoute] = []
            var unservedWeight = 0
            for (version, share) in zip(endpoint.versions, shares) {
                let deployment = EndpointVersion.deploymentName(endpoint: endpoint.name, version: version.name)
                var weight = share.basisPoints
                if var route = services[deployment] {
                    route.authEnabled = endpoint.authEnabled
                    route.keyDigests = digests
                    route.tokenAuthEnabled = endpoint.aadAuthEnabled
                    route.tokenAudience = endpoint.name
                    services[deployment] = route
                    if route.replicas.isEmpty, !version.isDefault {
                        unservedWeight += weight
                        weight = 0
                    }
                } else if !version.isDefault {
                    unservedWeight += weight
                    weight = 0
                }
                versions.append(EndpointVersionRoute(name: version.name, service: deployment, weight: weight))
            }
            if unservedWeight > 0, let index = endpoint.versions.firstIndex(where: \.isDefault) {
                versions[index].weight += unservedWeight
            }
            result[endpoint.name] = EndpointRoute(name: endpoint.name, versions: versions)
        }
        return result
    }
}
