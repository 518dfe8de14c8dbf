import BerthCore
import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// How many events a service keeps; older ones are dropped as new ones arrive.
    static let scalingEventsKept = 50

    /// v4: the autoscaler's events, deleted with their service.
    static func registerScalingEventMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-scaling-events") { db in
            try db.create(table: "scalingEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("serviceName", .text).notNull().indexed().references("service", onDelete: .cascade)
                t.column("body", .blob).notNull()
            }
        }
    }

    public func appendScalingEvent(_ event: ScalingEvent, forService name: String) async throws {
        let body = try BerthJSON.encode(event)
        try await database.write { db in
            try db.execute(
                sql: "INSERT INTO scalingEvent (serviceName, body) VALUES (?, ?)", arguments: [name, body])
            try db.execute(
                sql: """
                    DELETE FROM scalingEvent WHERE serviceName = ? AND id NOT IN
                        (SELECT id FROM scalingEvent WHERE serviceName = ? ORDER BY id DESC LIMIT ?)
                    """,
                arguments: [name, name, Self.scalingEventsKept])
        }
    }

    public func scalingEvents(forService name: String, limit: Int) async throws -> [ScalingEvent] {
        try await storedBodies(
            ScalingEvent.self, what: "stored scaling event",
            sql: "SELECT body FROM scalingEvent WHERE serviceName = ? ORDER BY id DESC LIMIT ?",
            arguments: [name, limit])
    }
}
