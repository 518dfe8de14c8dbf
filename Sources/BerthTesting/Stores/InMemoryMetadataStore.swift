import BerthCore
import BerthStore
import Foundation
import Synchronization

/// Every metadata store in memory, with the rules of the SQLite one (`SQLiteMetadataStore`):
/// versions that never repeat, a model in use cannot go, a compute target with services cannot go,
/// spec and status written apart with conditional spec writes. What it does not keep: anything
/// across a restart.
///
/// For fast tests of the control plane's logic (deployer, runner, status observer, autoscaler)
/// with no database file; `ServiceStoreContractTests` runs the same checks on both stores.
public final class InMemoryMetadataStore: MetadataStore, Sendable {
    struct State {
        var models: [String: [Model]] = [:]
        var lastVersion: [String: Int] = [:]
        var computes: [String: ComputeTarget] = [:]
        var services: [String: (spec: Webservice, status: WebserviceStatus)] = [:]
        var keys: [String: ServiceKeys] = [:]
        var events: [String: [ScalingEvent]] = [:]
        var operations: [String: BerthCore.Operation] = [:]
        var endpoints: [String: Endpoint] = [:]
        var endpointKeys: [String: ServiceKeys] = [:]
    }

    let state = Mutex(State())
    /// How many scaling events a service keeps, as the SQLite store.
    public static let scalingEventsKept = 50

    public init() {}

    // MARK: Models

    public func registerModel(_ request: RegisterModelRequest, createdTime: Date) async throws -> Model {
        state.withLock { state in
            let version = (state.lastVersion[request.name] ?? 0) + 1
            state.lastVersion[request.name] = version
            let model = Model(
                name: request.name, version: version, description: request.description,
                kvTags: request.kvTags ?? [:], properties: request.properties ?? [:], createdTime: createdTime,
                isFolder: request.isFolder ?? false, files: request.files)
            state.models[request.name, default: []].append(model)
            return model
        }
    }

    public func models(named name: String?, tag: ModelTagFilter?) async throws -> [Model] {
        state.withLock { state in
            let names = name.map { [$0] } ?? state.models.keys.sorted()
            return names.flatMap { (state.models[$0] ?? []).sorted { $0.version > $1.version } }
                .filter { tag?.matches($0.kvTags) ?? true }
        }
    }

    public func model(named name: String, version: Int?) async throws -> Model? {
        state.withLock { state in
            let versions = state.models[name] ?? []
            guard let version else { return versions.max { $0.version < $1.version } }
            return versions.first { $0.version == version }
        }
    }

    public func deleteModel(named name: String, version: Int) async throws {
        try state.withLock { state in
            let id = "\(name):\(version)"
            let users = state.services.values.filter { $0.spec.models.contains(id) }.map(\.spec.name).sorted()
            if !users.isEmpty {
                let list = users.map { "'\($0)'" }.joined(separator: ", ")
                throw BerthError.conflict(
                    "Model '\(id)' is used by service \(list); delete or update \(users.count == 1 ? "that service" : "those services") first."
                )
            }
            guard let index = state.models[name]?.firstIndex(where: { $0.version == version }) else {
                throw BerthError.notFound("Model '\(id)' does not exist in this workspace.")
            }
            state.models[name]?.remove(at: index)
        }
    }

    // MARK: Compute targets

    public func insertCompute(_ compute: ComputeTarget) async throws {
        try state.withLock { state in
            guard state.computes[compute.name] == nil else {
                throw BerthError.alreadyExists(
                    "A compute target named '\(compute.name)' already exists in this workspace; choose another name or delete it first."
                )
            }
            state.computes[compute.name] = compute
        }
    }

    public func updateCompute(_ compute: ComputeTarget) async throws {
        try state.withLock { state in
            guard state.computes[compute.name] != nil else {
                throw BerthError.notFound("Compute target '\(compute.name)' does not exist in this workspace.")
            }
            state.computes[compute.name] = compute
        }
    }

    public func compute(named name: String) async throws -> ComputeTarget? {
        state.withLock { $0.computes[name] }
    }

    public func computes() async throws -> [ComputeTarget] {
        state.withLock { $0.computes.values.sorted { $0.name < $1.name } }
    }

    public func deleteCompute(named name: String) async throws {
        try state.withLock { state in
            let users = state.services.values.filter { $0.spec.computeName == name }.map(\.spec.name).sorted()
            if !users.isEmpty {
                throw BerthError.conflict(
                    "Compute target '\(name)' still runs service \(users.map { "'\($0)'" }.joined(separator: ", ")); delete those services first."
                )
            }
            guard state.computes.removeValue(forKey: name) != nil else {
                throw BerthError.notFound("Compute target '\(name)' does not exist in this workspace.")
            }
        }
    }

    // MARK: Keys, scaling events, operations

    public func serviceKeys(forService name: String) async throws -> ServiceKeys? {
        state.withLock { $0.keys[name] }
    }

    public func saveServiceKeys(_ keys: ServiceKeys, forService name: String) async throws {
        try state.withLock { state in
            guard state.services[name] != nil else {
                throw BerthError.notFound("Service '\(name)' does not exist in this workspace.")
            }
            state.keys[name] = keys
        }
    }

    public func appendScalingEvent(_ event: ScalingEvent, forService name: String) async throws {
        state.withLock { state in
            state.events[name, default: []].append(event)
            state.events[name] = Array(state.events[name]!.suffix(Self.scalingEventsKept))
        }
    }

    public func scalingEvents(forService name: String, limit: Int) async throws -> [ScalingEvent] {
        state.withLock { Array(($0.events[name] ?? []).reversed().prefix(limit)) }
    }

    public func saveOperation(_ operation: BerthCore.Operation) async throws {
        state.withLock { $0.operations[operation.id] = operation }
    }

    public func operation(id: String) async throws -> BerthCore.Operation? {
        state.withLock { $0.operations[id] }
    }

    public func operations(on resourceLocation: String, limit: Int) async throws -> [BerthCore.Operation] {
        state.withLock { state in
            Array(
                state.operations.values.filter { $0.resourceLocation == resourceLocation }
                    .sorted { $0.createdTime > $1.createdTime }.prefix(limit))
        }
    }
}
