import BerthCore
import Foundation

/// The workspace's durable metadata: models, compute targets, services and operations.
///
/// A seam (STYLE.md §2.4): `SQLiteMetadataStore` is the real one. Every method is one transaction,
/// so a crash leaves either the old or the new state.
public protocol MetadataStore: Sendable {
    /// Registers a model under the next version of its name (versions never repeat, even after a
    /// delete) and returns it.
    func registerModel(_ request: RegisterModelRequest, createdTime: Date) async throws -> Model
    /// Models, newest version first within a name; filtered by name and by tag (`key` or `key=value`).
    func models(named name: String?, tag: ModelTagFilter?) async throws -> [Model]
    /// One model; `version` nil means the latest.
    func model(named name: String, version: Int?) async throws -> Model?
    /// Deletes a model version; refused while a service uses it.
    func deleteModel(named name: String, version: Int) async throws

    /// Adds a compute target; refused when the name is taken.
    func insertCompute(_ compute: ComputeTarget) async throws
    /// Replaces a stored compute target.
    func updateCompute(_ compute: ComputeTarget) async throws
    func compute(named name: String) async throws -> ComputeTarget?
    func computes() async throws -> [ComputeTarget]
    func deleteCompute(named name: String) async throws

    /// Names of services that use a model (`name:version`).
    func services(usingModel modelID: String) async throws -> [String]

    /// Inserts or updates a service and the models it uses (its keys are kept).
    func saveService(_ service: Webservice) async throws
    func service(named name: String) async throws -> Webservice?
    func services() async throws -> [Webservice]
    /// Deletes a service with its keys and model references.
    func deleteService(named name: String) async throws
    /// A service's keys; nil when it has none yet.
    func serviceKeys(forService name: String) async throws -> ServiceKeys?
    /// Stores a service's keys (the service must exist).
    func saveServiceKeys(_ keys: ServiceKeys, forService name: String) async throws

    /// Records an autoscaler event; a service keeps its most recent ones (deleted with it).
    func appendScalingEvent(_ event: ScalingEvent, forService name: String) async throws
    /// The service's most recent events, newest first.
    func scalingEvents(forService name: String, limit: Int) async throws -> [ScalingEvent]

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
