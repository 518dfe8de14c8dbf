import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore: BlobStore {
    /// v5: the blob index of the Azure SDK facade.
    static func registerBlobMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-blobs") { db in
            try db.create(table: "blob") { t in
                t.column("container", .text).notNull()
                t.column("name", .text).notNull()
                t.column("body", .blob).notNull()
                t.primaryKey(["container", "name"])
            }
        }
    }

    public func blob(container: String, name: String) async throws -> StoredBlob? {
        try await storedBody(
            StoredBlob.self, what: "stored blob", sql: "SELECT body FROM blob WHERE container = ? AND name = ?",
            arguments: [container, name])
    }

    public func blobs(container: String, prefix: String) async throws -> [StoredBlob] {
        // substr and length both count SQLite's characters, so any prefix compares exactly (LIKE
        // would need its wildcards escaped and ignores case).
        try await storedBodies(
            StoredBlob.self, what: "stored blob",
            sql: "SELECT body FROM blob WHERE container = ? AND substr(name, 1, length(?)) = ? ORDER BY name",
            arguments: [container, prefix, prefix])
    }

    public func saveBlob(_ blob: StoredBlob) async throws {
        let body = try BerthJSON.encode(blob)
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO blob (container, name, body) VALUES (?, ?, ?)
                    ON CONFLICT(container, name) DO UPDATE SET body = excluded.body
                    """,
                arguments: [blob.container, blob.name, body])
        }
    }
}
