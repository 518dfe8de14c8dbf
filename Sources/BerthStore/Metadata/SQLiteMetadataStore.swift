import BerthCore
import Foundation
import GRDB

/// The metadata store in `$BERTH_HOME/berth.sqlite`: SQLite through GRDB, WAL mode, versioned
/// migrations. Resources are stored as JSON beside the columns that are queried.
///
/// The database holds service and endpoint keys, so its files are kept with mode 0600 (SQLite
/// gives the `-wal` and `-shm` files the database file's mode when it creates them).
public final class SQLiteMetadataStore: MetadataStore {
    let database: DatabasePool

    /// Opens (creating if needed) the database and migrates it to the current schema.
    public init(path: URL) throws {
        try FileManager.default.createDirectory(
            at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        do {
            try Self.restrictToOwner(path)
            database = try DatabasePool(path: path.path, configuration: configuration)
            try Self.migrator.migrate(database)
        } catch {
            throw BerthError(
                .internalError,
                "Cannot open the workspace database '\(path.path)': \(error). Check the folder's permissions.")
        }
    }

    /// Creates the database file with mode 0600 if it is missing, and sets 0600 on the files of a
    /// workspace made before Berth did so.
    static func restrictToOwner(_ path: URL) throws {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path.path) {
            guard manager.createFile(atPath: path.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw BerthError(.internalError, "Cannot create the workspace database '\(path.path)'.")
            }
        }
        for suffix in ["", "-wal", "-shm"] where manager.fileExists(atPath: path.path + suffix) {
            try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path.path + suffix)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-models-computes-operations") { db in
            try db.create(table: "model") { t in
                t.column("name", .text).notNull()
                t.column("version", .integer).notNull()
                t.column("body", .blob).notNull()
                t.primaryKey(["name", "version"])
            }
            try db.create(table: "modelVersionCounter") { t in
                t.column("name", .text).primaryKey()
                t.column("lastVersion", .integer).notNull()
            }
            try db.create(table: "compute") { t in
                t.column("name", .text).primaryKey()
                t.column("body", .blob).notNull()
            }
            try db.create(table: "service") { t in
                t.column("name", .text).primaryKey()
                t.column("computeName", .text).notNull()
                t.column("body", .blob).notNull()
            }
            try db.create(table: "serviceModel") { t in
                t.column("serviceName", .text).notNull().references("service", onDelete: .cascade)
                t.column("modelID", .text).notNull()
                t.primaryKey(["serviceName", "modelID"])
            }
            try db.create(table: "operation") { t in
                t.column("id", .text).primaryKey()
                t.column("createdTime", .double).notNull()
                t.column("body", .blob).notNull()
            }
        }
        registerServiceMigrations(&migrator)
        registerEndpointMigrations(&migrator)
        registerScalingEventMigrations(&migrator)
        registerBlobMigrations(&migrator)
        registerAzureAssetMigrations(&migrator)
        registerAzureEnvironmentMigrations(&migrator)
        registerModelAssetMigrations(&migrator)
        registerOperationResourceMigrations(&migrator)
        registerServiceStatusMigrations(&migrator)
        return migrator
    }

    // MARK: Models

    public func registerModel(_ request: RegisterModelRequest, createdTime: Date) async throws -> Model {
        try await database.write { db in
            let last =
                try Int.fetchOne(
                    db, sql: "SELECT lastVersion FROM modelVersionCounter WHERE name = ?", arguments: [request.name])
                ?? 0
            let model = Model(
                name: request.name, version: last + 1, description: request.description,
                kvTags: request.kvTags ?? [:], properties: request.properties ?? [:], createdTime: createdTime,
                isFolder: request.isFolder ?? false, files: request.files)
            try db.execute(
                sql: "INSERT OR REPLACE INTO modelVersionCounter (name, lastVersion) VALUES (?, ?)",
                arguments: [model.name, model.version])
            try db.execute(
                sql: "INSERT INTO model (name, version, body) VALUES (?, ?, ?)",
                arguments: [model.name, model.version, try BerthJSON.encode(model)])
            return model
        }
    }

    public func models(named name: String?, tag: ModelTagFilter?) async throws -> [Model] {
        let models =
            if let name {
                try await storedBodies(
                    Model.self, what: "stored model",
                    sql: "SELECT body FROM model WHERE name = ? ORDER BY version DESC",
                    arguments: [name])
            } else {
                try await storedBodies(
                    Model.self, what: "stored model", sql: "SELECT body FROM model ORDER BY name, version DESC")
            }
        guard let tag else { return models }
        return models.filter { tag.matches($0.kvTags) }
    }

    public func model(named name: String, version: Int?) async throws -> Model? {
        if let version {
            return try await storedBody(
                Model.self, what: "stored model", sql: "SELECT body FROM model WHERE name = ? AND version = ?",
                arguments: [name, version])
        }
        return try await storedBody(
            Model.self, what: "stored model",
            sql: "SELECT body FROM model WHERE name = ? ORDER BY version DESC LIMIT 1",
            arguments: [name])
    }

    public func deleteModel(named name: String, version: Int) async throws {
        try await database.write { db in
            let id = "\(name):\(version)"
            let users = try String.fetchAll(
                db, sql: "SELECT serviceName FROM serviceModel WHERE modelID = ? ORDER BY serviceName",
                arguments: [id])
            if !users.isEmpty {
                let list = users.map { "'\($0)'" }.joined(separator: ", ")
                throw BerthError.conflict(
                    "Model '\(id)' is used by service \(list); delete or update \(users.count == 1 ? "that service" : "those services") first."
                )
            }
            try db.execute(sql: "DELETE FROM model WHERE name = ? AND version = ?", arguments: [name, version])
            if db.changesCount == 0 {
                throw BerthError.notFound("Model '\(id)' does not exist in this workspace.")
            }
        }
    }

    // MARK: Compute targets

    public func insertCompute(_ compute: ComputeTarget) async throws {
        let body = try BerthJSON.encode(compute)
        try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM compute WHERE name = ?", arguments: [compute.name]) == true {
                throw BerthError.alreadyExists(
                    "A compute target named '\(compute.name)' already exists in this workspace; choose another name or delete it first."
                )
            }
            try db.execute(sql: "INSERT INTO compute (name, body) VALUES (?, ?)", arguments: [compute.name, body])
        }
    }

    public func updateCompute(_ compute: ComputeTarget) async throws {
        let body = try BerthJSON.encode(compute)
        try await database.write { db in
            try db.execute(sql: "UPDATE compute SET body = ? WHERE name = ?", arguments: [body, compute.name])
            if db.changesCount == 0 {
                throw BerthError.notFound("Compute target '\(compute.name)' does not exist in this workspace.")
            }
        }
    }

    public func compute(named name: String) async throws -> ComputeTarget? {
        try await storedBody(
            ComputeTarget.self, what: "stored compute target", sql: "SELECT body FROM compute WHERE name = ?",
            arguments: [name])
    }

    public func computes() async throws -> [ComputeTarget] {
        try await storedBodies(
            ComputeTarget.self, what: "stored compute target", sql: "SELECT body FROM compute ORDER BY name")
    }

    public func deleteCompute(named name: String) async throws {
        try await database.write { db in
            let users = try String.fetchAll(
                db, sql: "SELECT name FROM service WHERE computeName = ? ORDER BY name", arguments: [name])
            if !users.isEmpty {
                throw BerthError.conflict(
                    "Compute target '\(name)' still runs service \(users.map { "'\($0)'" }.joined(separator: ", ")); delete those services first."
                )
            }
            try db.execute(sql: "DELETE FROM compute WHERE name = ?", arguments: [name])
            if db.changesCount == 0 {
                throw BerthError.notFound("Compute target '\(name)' does not exist in this workspace.")
            }
        }
    }

    // MARK: Services

    public func services(usingModel modelID: String) async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(
                db, sql: "SELECT serviceName FROM serviceModel WHERE modelID = ? ORDER BY serviceName",
                arguments: [modelID])
        }
    }

    // MARK: Operations

    public func saveOperation(_ operation: BerthCore.Operation) async throws {
        let body = try BerthJSON.encode(operation)
        try await database.write { db in
            try db.execute(
                sql:
                    "INSERT OR REPLACE INTO operation (id, createdTime, body, resourceLocation) VALUES (?, ?, ?, ?)",
                arguments: [
                    operation.id, operation.createdTime.timeIntervalSince1970, body, operation.resourceLocation,
                ])
        }
    }

    public func operation(id: String) async throws -> BerthCore.Operation? {
        try await storedBody(
            BerthCore.Operation.self, what: "stored operation", sql: "SELECT body FROM operation WHERE id = ?",
            arguments: [id])
    }
}
