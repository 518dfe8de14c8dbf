import BerthCore
import Foundation

/// An environment registered through Azure's environment service (`Environment.register`):
/// its definition as the SDK sent it, versioned per name.
public struct AzureEnvironmentRecord: Codable, Sendable, Hashable {
    public var name: String
    public var version: Int
    /// The definition in the service's answer shape (`python`, `environmentVariables`, `docker`, …).
    public var definition: JSONValue
    public var createdTime: Date

    public init(name: String, version: Int, definition: JSONValue, createdTime: Date = Date()) {
        self.name = name
        self.version = version
        self.definition = definition
        self.createdTime = createdTime
    }
}

/// Where the Azure SDK facade keeps registered environments.
public protocol AzureEnvironmentStore: Sendable {
    /// Stores `definition` as the next version of `name`, unless it equals the latest version,
    /// which is then returned unchanged (as Azure does).
    func registerEnvironment(name: String, definition: JSONValue) async throws -> AzureEnvironmentRecord
    /// The given version, or the latest when `version` is nil.
    func environment(name: String, version: Int?) async throws -> AzureEnvironmentRecord?
}
