import BerthCore
import Foundation

/// The workspace's durable metadata: models, compute targets, services and their keys, scaling
/// events and operations, one store per resource (`SQLiteMetadataStore` is all of them).
///
/// A seam (STYLE.md §2.4): a component asks for the stores it uses, so a test gives it the
/// in-memory ones (`BerthTesting`'s `InMemoryMetadataStore`). Every method is one transaction, so a
/// crash leaves either the old or the new state.
public typealias MetadataStore = ModelStore & ComputeStore & ServiceStore & ServiceKeyStore & ScalingEventStore
    & OperationStore

/// Registered models.
public protocol ModelStore: Sendable {
    /// Registers a model under the next version of its name (versions never repeat, even after a
    /// delete) and returns it.
    func registerModel(_ request: RegisterModelRequest, createdTime: Date) async throws -> Model
    /// Models, newest version first within a name; filtered by name and by tag (`key` or `key=value`).
    func models(named name: String?, tag: ModelTagFilter?) async throws -> [Model]
    /// One model; `version` nil means the latest.
    func model(named name: String, version: Int?) async throws -> Model?
    /// Deletes a model version; refused while a service uses it.
    func deleteModel(named name: String, version: Int) async throws
}

/// Compute targets (inference clusters).
public protocol ComputeStore: Sendable {
    /// Adds a compute target; refused when the name is taken.
    func insertCompute(_ compute: ComputeTarget) async throws
    /// Replaces a stored compute target.
    func updateCompute(_ compute: ComputeTarget) async throws
    func compute(named name: String) async throws -> ComputeTarget?
    func computes() async throws -> [ComputeTarget]
    func deleteCompute(named name: String) async throws
}

/// Services, each a spec (what was asked for) and a status (what is observed), written apart.
///
/// Spec writers (the API's operations, the autoscaler) change only the spec, inside the store's
/// transaction and optionally only at the generation they read; the status observer alone changes
/// the status. Neither can lose the other's write. A service read back is its spec with the
/// status applied (`Webservice.applying(_:)`).
public protocol ServiceStore: Sendable {
    /// Stores a new service's spec (a deploy), or replaces the whole spec of one (a deploy with
    /// `--overwrite`), with its model references; the generation increases and the status starts
    /// again as `status`. Returns the service as stored.
    @discardableResult
    func saveService(_ service: Webservice, status: WebserviceStatus) async throws -> Webservice
    /// Changes the spec of service `name` in one transaction: `change` gets the spec as stored now;
    /// what it sets of the status (`state`, `error`, `readyReplicas`, URIs) is not kept. With
    /// `ifGeneration`, only when the spec is still at that generation (else `BerthError` conflict,
    /// nothing changed). The generation increases. Returns the service as stored.
    @discardableResult
    func updateService(
        named name: String, ifGeneration: Int?, _ change: @Sendable (inout Webservice) throws -> Void
    ) async throws -> Webservice
    /// Changes the status of service `name` in one transaction; the status observer's lever. Returns
    /// nil, changing nothing, when the service does not exist (deleted meanwhile).
    @discardableResult
    func updateServiceStatus(named name: String, _ change: @Sendable (inout WebserviceStatus) -> Void) async throws
        -> Webservice?
    func service(named name: String) async throws -> Webservice?
    func services() async throws -> [Webservice]
    /// Names of services that use a model (`name:version`).
    func services(usingModel modelID: String) async throws -> [String]
    /// Deletes a service with its keys and model references.
    func deleteService(named name: String) async throws
}

/// Services' keys, apart from the services so that rewriting a service never touches them.
public protocol ServiceKeyStore: Sendable {
    /// A service's keys; nil when it has none yet.
    func serviceKeys(forService name: String) async throws -> ServiceKeys?
    /// Stores a service's keys (the service must exist).
    func saveServiceKeys(_ keys: ServiceKeys, forService name: String) async throws
}

/// What the autoscaler did and why, per service.
public protocol ScalingEventStore: Sendable {
    /// Records an autoscaler event; a service keeps its most recent ones (deleted with it).
    func appendScalingEvent(_ event: ScalingEvent, forService name: String) async throws
    /// The service's most recent events, newest first.
    func scalingEvents(forService name: String, limit: Int) async throws -> [ScalingEvent]
}

/// Long-running operations (deploy, update, delete…) and their logs.
public protocol OperationStore: Sendable {
    /// Inserts or replaces an operation.
    func saveOperation(_ operation: BerthCore.Operation) async throws
    func operation(id: String) async throws -> BerthCore.Operation?
    /// The newest `limit` operations on `resourceLocation` (e.g. `/api/v1/services/<name>`),
    /// newest first.
    func operations(on resourceLocation: String, limit: Int) async throws -> [BerthCore.Operation]
}

/// A tag filter of `model list --tag`: `key` alone matches any value.
public struct ModelTagFilter: Sendable, Hashable {
    public var key: String
    public var value: String?

    public init(key: String, value: String?) {
        self.key = key
        self.value = value
    }

    /// Parses `key` or `key=value`.
    public init(parsing text: String) {
        if let equals = text.firstIndex(of: "=") {
            self.init(key: String(text[..<equals]), value: String(text[text.index(after: equals)...]))
        } else {
            self.init(key: text, value: nil)
        }
    }

    public func matches(_ tags: [String: String]) -> Bool {
        guard let actual = tags[key] else { return false }
        return value.map { $0 == actual } ?? true
    }
}
