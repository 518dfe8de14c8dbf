import BerthCore
import BerthStore
import Foundation
import Synchronization

extension InMemoryMetadataStore {
    @discardableResult
    public func saveService(_ service: Webservice, status: WebserviceStatus) async throws -> Webservice {
        let (service, status) = (try BerthJSON.roundTrip(service), try BerthJSON.roundTrip(status))
        return state.withLock { state in
            let (spec, status) = ServiceSpecChange.replace(
                service, status: status, previousGeneration: state.services[service.name]?.spec.generation)
            state.services[service.name] = (spec, status)
            return spec.applying(status)
        }
    }

    @discardableResult
    public func updateService(
        named name: String, ifGeneration: Int?, _ change: @Sendable (inout Webservice) throws -> Void
    ) async throws -> Webservice {
        try state.withLock { state in
            guard let stored = state.services[name] else { throw ServiceSpecChange.missing(name) }
            let spec = try BerthJSON.roundTrip(
                ServiceSpecChange.apply(change, to: stored.spec, ifGeneration: ifGeneration))
            state.services[name] = (spec, stored.status)
            return spec.applying(stored.status)
        }
    }

    @discardableResult
    public func updateServiceStatus(named name: String, _ change: @Sendable (inout WebserviceStatus) -> Void)
        async throws -> Webservice?
    {
        state.withLock { state in
            guard let stored = state.services[name] else { return nil }
            var status = stored.status
            change(&status)
            status = (try? BerthJSON.roundTrip(status)) ?? status
            state.services[name] = (stored.spec, status)
            return stored.spec.applying(status)
        }
    }

    public func service(named name: String) async throws -> Webservice? {
        state.withLock { state in state.services[name].map { $0.spec.applying($0.status) } }
    }

    public func services() async throws -> [Webservice] {
        state.withLock { state in
            state.services.keys.sorted().compactMap { name in state.services[name].map { $0.spec.applying($0.status) } }
        }
    }

    public func services(usingModel modelID: String) async throws -> [String] {
        state.withLock { state in
            state.services.values.filter { $0.spec.models.contains(modelID) }.map(\.spec.name).sorted()
        }
    }

    public func deleteService(named name: String) async throws {
        try state.withLock { state in
            guard state.services.removeValue(forKey: name) != nil else {
                throw BerthError.notFound("Service '\(name)' does not exist in this workspace.")
            }
            state.keys[name] = nil
            state.events[name] = nil
        }
    }
}

extension BerthJSON {
    /// `value` encoded and decoded again: what a store that keeps JSON gives back (dates at its
    /// precision, defaults of absent fields), so the in-memory store answers as the SQLite one.
    static func roundTrip<Value: Codable>(_ value: Value) throws -> Value {
        try decode(Value.self, from: encode(value), what: "stored value")
    }
}
