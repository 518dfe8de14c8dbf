import BerthCore
import Foundation

/// An asset of Azure's model management service: a name over blob prefixes in the workspace's
/// upload container. `Model.register` makes one per model (`aml://asset/<id>`), then registers the
/// model from it.
public struct AzureAsset: Codable, Sendable, Hashable {
    /// 32 hex characters, as Azure's asset ids.
    public var id: String
    public var name: String
    /// Blob name prefixes, e.g. `LocalUpload/<container>/model.pkl` or a folder's prefix.
    public var prefixes: [String]
    public var createdTime: Date

    public init(id: String, name: String, prefixes: [String], createdTime: Date = Date()) {
        self.id = id
        self.name = name
        self.prefixes = prefixes
        self.createdTime = createdTime
    }
}

/// Where the Azure SDK facade keeps its assets, and which asset each model was registered from
/// (its `url`, which `Model.download` follows).
public protocol AzureAssetStore: Sendable {
    func saveAsset(_ asset: AzureAsset) async throws
    func asset(id: String) async throws -> AzureAsset?
    /// Records that model `modelID` (`name:version`) holds the files of asset `assetID`.
    func saveAssetOfModel(_ modelID: String, assetID: String) async throws
    /// The asset model `modelID` was registered from, or made for; nil when none is known.
    func assetID(ofModel modelID: String) async throws -> String?
}
