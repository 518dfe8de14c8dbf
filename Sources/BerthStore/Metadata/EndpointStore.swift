import BerthCore

/// Durable endpoints and their keys, beside the `MetadataStore`'s services (each endpoint
/// version's replicas are a service record named `<endpoint>--<version>`).
///
/// A protocol of its own so the endpoint feature did not widen `MetadataStore`;
/// `SQLiteMetadataStore` implements both in one database.
public protocol EndpointStore: Sendable {
    /// Inserts or replaces an endpoint (its keys are kept).
    func saveEndpoint(_ endpoint: Endpoint) async throws
    func endpoint(named name: String) async throws -> Endpoint?
    func endpoints() async throws -> [Endpoint]
    /// Deletes an endpoint with its keys.
    func deleteEndpoint(named name: String) async throws
    /// An endpoint's keys; nil when it has none yet.
    func endpointKeys(forEndpoint name: String) async throws -> ServiceKeys?
    /// Stores an endpoint's keys (the endpoint must exist).
    func saveEndpointKeys(_ keys: ServiceKeys, forEndpoint name: String) async throws
}
