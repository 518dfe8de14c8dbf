import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore: EndpointStore {
    /// v3: endpoints and their keys.
    static func registerEndpointMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-endpoints") { db in
            try db.create(table: "endpoint") { t in
                t.column("name", .text).primaryKey()
                t.column("body", .blob).notNull()
            }
            try db.create(table: "endpointKey") { t in
                t.column("endpointName", .text).primaryKey().references("endpoint", onDelete: .cascade)
                t.column("primaryKey", .text).notNull()
                t.column("secondaryKey", .text).notNull()
            }
        }
    }

    public func saveEndpoint(_ endpoint: Endpoint) async throws {
        let body = try BerthJSON.encode(endpoint)
        try await database.write { db in
            // An upsert: a replace would delete the row and cascade to its keys.
            try db.execute(
                sql:
                    "INSERT INTO endpoint (name, body) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET body = excluded.body",
                arguments: [endpoint.name, body])
        }
    }

    public func endpoint(named name: String) async throws -> Endpoint? {
        try await storedBody(
            Endpoint.self, what: "stored endpoint", sql: "SELECT body FROM endpoint WHERE name = ?", arguments: [name])
    }

    public func endpoints() async throws -> [Endpoint] {
        try await storedBodies(Endpoint.self, what: "stored endpoint", sql: "SELECT body FROM endpoint ORDER BY name")
    }

    public func deleteEndpoint(named name: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM endpoint WHERE name = ?", arguments: [name])
        }
    }

    public func endpointKeys(forEndpoint name: String) async throws -> ServiceKeys? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT primaryKey, secondaryKey FROM endpointKey WHERE endpointName = ?", arguments: [name]
            ).map { ServiceKeys(primaryKey: $0["primaryKey"], secondaryKey: $0["secondaryKey"]) }
        }
    }

    public func saveEndpointKeys(_ keys: ServiceKeys, forEndpoint name: String) async throws {
        try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM endpoint WHERE name = ?", arguments: [name]) != nil else {
                throw BerthError.notFound("Endpoint '\(name)' does not exist.")
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO endpointKey (endpointName, primaryKey, secondaryKey) VALUES (?, ?, ?)",
                arguments: [name, keys.primaryKey, keys.secondaryKey])
        }
    }
}
