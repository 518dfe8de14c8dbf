import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore: AzureAssetStore {
    /// v6: the Azure SDK facade's assets.
    static func registerAzureAssetMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-azure-assets") { db in
            try db.create(table: "azureAsset") { t in
                t.column("id", .text).primaryKey()
                t.column("body", .blob).notNull()
            }
        }
    }

    /// v8: which asset each model holds the files of.
    static func registerModelAssetMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-azure-model-assets") { db in
            try db.create(table: "azureModelAsset") { t in
                t.column("modelID", .text).primaryKey()
                t.column("assetID", .text).notNull()
            }
        }
    }

    public func saveAssetOfModel(_ modelID: String, assetID: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO azureModelAsset (modelID, assetID) VALUES (?, ?)",
                arguments: [modelID, assetID])
        }
    }

    public func assetID(ofModel modelID: String) async throws -> String? {
        try await database.read { db in
            try String.fetchOne(db, sql: "SELECT assetID FROM azureModelAsset WHERE modelID = ?", arguments: [modelID])
        }
    }

    public func saveAsset(_ asset: AzureAsset) async throws {
        let body = try BerthJSON.encode(asset)
        try await database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO azureAsset (id, body) VALUES (?, ?)", arguments: [asset.id, body])
        }
    }

    public func asset(id: String) async throws -> AzureAsset? {
        try await storedBody(
            AzureAsset.self, what: "stored asset", sql: "SELECT body FROM azureAsset WHERE id = ?", arguments: [id])
    }
}
