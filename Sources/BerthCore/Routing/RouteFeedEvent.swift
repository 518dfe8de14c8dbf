/// One line of the route-table feed's watch stream (`GET /api/v1/routes?compute=NAME&watch=true`,
/// newline-delimited JSON): a new table for the cluster's routers, or a heartbeat that proves the
/// connection is alive while nothing changes.
///
/// Shared by the control plane, which writes it, and `berth router --feed`, which reads it.
public struct RouteFeedEvent: Sendable, Hashable, Codable {
    /// The kinds of line.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `table` holds the cluster's current route table (a new generation).
        case routes
        /// Nothing changed; the control plane is still there.
        case heartbeat
    }

    public var type: Kind
    /// The table, for `routes` only.
    public var table: RouteTable?

    public init(type: Kind, table: RouteTable? = nil) {
        self.type = type
        self.table = table
    }

    /// A `routes` line.
    public static func routes(_ table: RouteTable) -> RouteFeedEvent { RouteFeedEvent(type: .routes, table: table) }
    /// A `heartbeat` line.
    public static let heartbeat = RouteFeedEvent(type: .heartbeat)
}
