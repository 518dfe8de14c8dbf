import BerthCore
import BerthStore
import Synchronization

/// Endpoints in memory, with the SQLite store's rules: saving an endpoint keeps its keys, deleting
/// it deletes them, and keys are stored only for an endpoint that exists.
extension InMemoryMetadataStore: EndpointStore {
    public func saveEndpoint(_ endpoint: Endpoint) async throws {
        state.withLock { $0.endpoints[endpoint.name] = endpoint }
    }

    public func endpoint(named name: String) async throws -> Endpoint? {
        state.withLock { $0.endpoints[name] }
    }

    public func endpoints() async throws -> [Endpoint] {
        state.withLock { $0.endpoints.values.sorted { $0.name < $1.name } }
    }

    public func deleteEndpoint(named name: String) async throws {
        state.withLock { state in
            state.endpoints[name] = nil
            state.endpointKeys[name] = nil
        }
    }

    public func endpointKeys(forEndpoint name: String) async throws -> ServiceKeys? {
        state.withLock { $0.endpointKeys[name] }
    }

    public func saveEndpointKeys(_ keys: ServiceKeys, forEndpoint name: String) async throws {
        try state.withLock { state in
            guard state.endpoints[name] != nil else { throw BerthError.notFound("Endpoint '\(name)' does not exist.") }
            state.endpointKeys[name] = keys
        }
    }
}
