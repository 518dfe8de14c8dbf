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

    /// v9: a service's status in its own column, so that the status observer and the spec's
    /// writers never write the same bytes. A service stored before has none: its status is read
    /// from its state (`Webservice.impliedStatus`) until the observer writes one.
    static func registerServiceStatusMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-service-status") { db in
            try db.alter(table: "service") { t in t.add(column: "status", .blob) }
        }
    }

    @discardableResult
    public func saveService(_ service: Webservice, status: WebserviceStatus) async throws -> Webservice {
        try await database.write { db in
            let stored = try Self.storedService(named: service.name, in: db)
            let (spec, status) = ServiceSpecChange.replace(
                service, status: status, previousGeneration: stored?.spec.generation)
            // An upsert, not INSERT OR REPLACE: a replace deletes the row and cascades to its keys.
            try db.execute(
                sql: """
                    INSERT INTO service (name, computeName, body, status) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET computeName = excluded.computeName, body = excluded.body,
                        status = excluded.status
                    """,
                arguments: [spec.name, spec.computeName, try BerthJSON.encode(spec), try BerthJSON.encode(status)])
            try Self.saveModelReferences(of: spec, in: db)
            return spec.applying(status)
        }
    }

    @discardableResult
    public func updateService(
        named name: String, ifGeneration: Int?, _ change: @Sendable (inout Webservice) throws -> Void
    ) async throws -> Webservice {
        try await database.write { db in
            guard let stored = try Self.storedService(named: name, in: db) else {
                throw ServiceSpecChange.missing(name)
            }
            let spec = try ServiceSpecChange.apply(change, to: stored.spec, ifGeneration: ifGeneration)
            try db.execute(
                sql: "UPDATE service SET computeName = ?, body = ? WHERE name = ?",
                arguments: [spec.computeName, try BerthJSON.encode(spec), name])
            if spec.models != stored.spec.models { try Self.saveModelReferences(of: spec, in: db) }
            return spec.applying(stored.status)
        }
    }

    @discardableResult
    public func updateServiceStatus(named name: String, _ change: @Sendable (inout WebserviceStatus) -> Void)
        async throws -> Webservice?
    {
        try await database.write { db in
            guard let stored = try Self.storedService(named: name, in: db) else { return nil }
            var status = stored.status
            change(&status)
            guard status != stored.status else { return stored.spec.applying(status) }
            try db.execute(
                sql: "UPDATE service SET status = ? WHERE name = ?", arguments: [try BerthJSON.encode(status), name])
            return stored.spec.applying(status)
        }
    }

    public func service(named name: String) async throws -> Webservice? {
        try await database.read { db in try Self.storedService(named: name, in: db).map { $0.spec.applying($0.status) }
        }
    }

    public func services() async throws -> [Webservice] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT body, status FROM service ORDER BY name").map { row in
                let stored = try Self.storedService(row)
                return stored.spec.applying(stored.status)
            }
        }
    }

    /// A service's row: its spec and its status.
    private static func storedService(named name: String, in db: Database) throws -> (
        spec: Webservice, status: WebserviceStatus
    )? {
        try Row.fetchOne(db, sql: "SELECT body, status FROM service WHERE name = ?", arguments: [name]).map(
            storedService)
    }

    private static func storedService(_ row: Row) throws -> (spec: Webservice, status: WebserviceStatus) {
        let spec = try BerthJSON.decode(Webservice.self, from: row["body"] as Data, what: "stored service")
        let status = try (row["status"] as Data?).map {
            try BerthJSON.decode(WebserviceStatus.self, from: $0, what: "stored service status")
        }
        return (spec, status ?? spec.impliedStatus)
    }

    private static func saveModelReferences(of service: Webservice, in db: Database) throws {
        try db.execute(sql: "DELETE FROM serviceModel WHERE serviceName = ?", arguments: [service.name])
        for model in Set(service.models) {
            try db.execute(
                sql: "INSERT INTO serviceModel (serviceName, modelID) VALUES (?, ?)", arguments: [service.name, model])
        }
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
