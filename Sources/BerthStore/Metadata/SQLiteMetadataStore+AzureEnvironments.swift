import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore: AzureEnvironmentStore {
    /// v7: environments registered through Azure's environment service.
    static func registerAzureEnvironmentMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-azure-environments") { db in
            try db.create(table: "azureEnvironment") { t in
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("body", .blob).notNull()
                t.primaryKey(["name", "version"])
            }
        }
    }

    public func registerEnvironment(name: String, definition: JSONValue) async throws -> AzureEnvironmentRecord {
        try await database.write { db in
            let latest = try Data.fetchOne(
                db, sql: "SELECT body FROM azureEnvironment WHERE name = ? ORDER BY version DESC LIMIT 1",
                arguments: [name]
            ).map { try BerthJSON.decode(AzureEnvironmentRecord.self, from: $0, what: "stored environment") }
            if let latest, latest.definition.canonicalJSON == definition.canonicalJSON { return latest }
            let record = AzureEnvironmentRecord(name: name, version: (latest?.version ?? 0) + 1, definition: definition)
            try db.execute(
                sql: "INSERT INTO azureEnvironment (name, version, body) VALUES (?, ?, ?)",
                arguments: [name, record.version, try BerthJSON.encode(record)])
            return record
        }
    }

    public func environment(name: String, version: Int?) async throws -> AzureEnvironmentRecord? {
        if let version {
            return try await storedBody(
                AzureEnvironmentRecord.self, what: "stored environment",
                sql: "SELECT body FROM azureEnvironment WHERE name = ? AND version = ?", arguments: [name, version])
        }
        return try await storedBody(
            AzureEnvironmentRecord.self, what: "stored environment",
            sql: "SELECT body FROM azureEnvironment WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [name])
    }
}
