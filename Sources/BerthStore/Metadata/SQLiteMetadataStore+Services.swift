import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// v2: service keys, in their own table so rewriting a service never touches them.
    static func registerServiceMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-service-keys") { db in
            try db.create(table: "serviceKey") { t in
                t.column("serviceName", .text).primaryKey().references("service", onDelete: .cascade)
                t.column("primaryKey", .text).notNull()
                t.column("secondaryKey", .text).notNull()
            }
        }
    }

    public func saveService(_ service: Webservice) async throws {
        let body = try BerthJSON.encode(service)
        try await database.write { db in
            // An upsert, not INSERT OR REPLACE: a replace deletes the row and cascades to its keys.
            try db.execute(
                sql: """
                    INSERT INTO service (name, computeName, body) VALUES (?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET computeName = excluded.computeName, body = excluded.body
                    """,
                arguments: [service.name, service.computeName, body])
            try db.execute(sql: "DELETE FROM serviceModel WHERE serviceName = ?", arguments: [service.name])
            for model in Set(service.models) {
                try db.execute(
                    sql: "INSERT INTO serviceModel (serviceName, modelID) VALUES (?, ?)", arguments: [service.name, model])
            }
        }
    }

    public func service(named name: String) async throws -> Webservice? {
        try await storedBody(
            Webservice.self, what: "stored service", sql: "SELECT body FROM service WHERE name = ?", arguments: [name])
    }

    public func services() async throws -> [Webservice] {
        try await storedBodies(Webservice.self, what: "stored service", sql: "SELECT body FROM service ORDER BY name")
    }

    public func deleteService(named name: String) async throws {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM service WHERE name = ?", arguments: [name])
            if db.changesCount == 0 {
                throw BerthError.notFound("Service '\(name)' does not exist in this workspace.")
            }
        }
    }

    public func serviceKeys(forService name: String) async throws -> ServiceKeys? {
        try await database.read { db in
            try Row.fetchOne(
                db, sql: "SELECT primaryKey, secondaryKey FROM serviceKey WHERE serviceName = ?", arguments: [name]
            ).map { ServiceKeys(primaryKey: $0["primaryKey"], secondaryKey: $0["secondaryKey"]) }
        }
    }

    public func saveServiceKeys(_ keys: ServiceKeys, forService name: String) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO serviceKey (serviceName, primaryKey, secondaryKey) VALUES (?, ?, ?)
                    ON CONFLICT(serviceName) DO UPDATE SET primaryKey = excluded.primaryKey,
                        secondaryKey = excluded.secondaryKey
                    """,
                arguments: [name, keys.primaryKey, keys.secondaryKey])
        }
    }
}
