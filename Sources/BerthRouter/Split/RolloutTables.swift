import BerthCore

/// The router's state for the rollout features, beside the admission state: the parsed token
/// verification keys of the current route table, the endpoints' traffic splits and the
/// per-version metrics.
///
/// `Router.update(_:)` feeds it each applied table; request handlers read it without awaiting.
final class RolloutTables: Sendable {
    /// The token verifier of the current table.
    let tokens = TokenKeyring()
    /// The endpoints' traffic splits.
    let endpoints = EndpointSplitter()
    /// Requests, errors and latencies per endpoint version.
    let metrics = VersionMetrics()

    init() {}

    /// Takes what it needs from a table the router has just applied.
    func update(_ table: RouteTable) {
        tokens.update(table.tokenKeys)
        endpoints.update(table.endpoints)
    }
}
