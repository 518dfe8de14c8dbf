/// Compute requests as the API's contract spells them: the CLI takes a cluster purpose, VM size or
/// load balancer type in any case (as Azure's tools do) and the API declares each as an exact enum,
/// so the client spells them the canonical way before sending, and refuses an unknown one with the
/// message the server gives (the server's create handler runs the same checks).
extension CreateComputeRequest {
    /// This request with its names spelled as the contract declares them; throws a 400 naming the
    /// field and the choices when one is unknown, or when `sslConfiguration` has no declared shape.
    public func normalized() throws -> Self {
        try sslConfiguration?.checkShape()
        var request = self
        request.clusterPurpose = try clusterPurpose.map { try ClusterPurpose(parsing: $0).rawValue }
        request.vmSize = try vmSize.map { try VMSize.named($0).name }
        return request
    }
}

extension AttachKubernetesRequest {
    /// This request with its names spelled as the contract declares them (see `CreateComputeRequest`).
    public func normalized() throws -> Self {
        try sslConfiguration?.checkShape()
        var request = self
        request.clusterPurpose = try clusterPurpose.map { try ClusterPurpose(parsing: $0).rawValue }
        request.loadBalancerType = try loadBalancerType.map { try LoadBalancerType(parsing: $0).rawValue }
        return request
    }
}
