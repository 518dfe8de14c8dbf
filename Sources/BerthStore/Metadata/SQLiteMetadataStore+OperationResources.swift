import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// v9: an operation's resource as a column, so a service's latest deploys (whose logs
    /// `service get-logs --init` shows) are found without reading every stored operation.
    static func registerOperationResourceMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-operation-resources") { db in
            try db.alter(table: "operation") { t in t.add(column: "resourceLocation", .text) }
            try db.create(
                index: "operationByResource", on: "operation", columns: ["resourceLocation", "createdTime"])
            let rows = try Row.fetchAll(db, sql: "SELECT id, body FROM operation")
            for row in rows {
                let id: String = row["id"]
                let body: Data = row["body"]
                guard let operation = try? BerthJSON.decode(BerthCore.Operation.self, from: body) else { continue }
                try db.execute(
                    sql: "UPDATE operation SET resourceLocation = ? WHERE id = ?",
                    arguments: [operation.resourceLocation, id])
            }
        }
    }

    public func operations(on resourceLocation: String, limit: Int) async throws -> [BerthCore.Operation] {
        try await storedBodies(
            BerthCore.Operation.self, what: "stored operation",
            sql: "SELECT body FROM operation WHERE resourceLocation = ? ORDER BY createdTime DESC LIMIT ?",
            arguments: [resourceLocation, limit])
    }
}
