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
