import BerthCore
import Foundation
import GRDB

/// Every resource is stored as a JSON `body` beside the columns that are queried; these two readers
/// are the only places that fetch and decode bodies, so a corrupt row is reported the same way
/// (naming what it is) whichever resource it belongs to.
extension SQLiteMetadataStore {
    /// The first row's body that `sql` selects, decoded; nil when no row matches.
    func storedBody<Resource: Decodable>(
        _ type: Resource.Type, what: String, sql: String,
        arguments: StatementArguments = StatementArguments()
    ) async throws -> Resource? {
        let body = try await database.read { db in try Data.fetchOne(db, sql: sql, arguments: arguments)
        }
        return try body.map { try BerthJSON.decode(type, from: $0, what: what) }
    }

    /// Every body that `sql` selects, decoded, in the query's order.
    func storedBodies<Resource: Decodable>(
        _ type: Resource.Type, what: String, sql: String,
        arguments: StatementArguments = StatementArguments()
    ) async throws -> [Resource] {
        let bodies = try await database.read { db in
            try Data.fetchAll(db, sql: sql, arguments: arguments)
        }
        return try bodies.map { try BerthJSON.decode(type, from: $0, what: what) }
    }
}
