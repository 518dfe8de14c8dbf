import BerthCore
import Logging
import Synchronization

/// The router's side of a cluster: a `FeedRouteMerger` behind a `Mutex`, fed by the route feed
/// and the EndpointSlice watch, handing every merged table to the router (`Router.update`) after
/// unlocking.
public final class ClusterRouteSource: Sendable {
    private let merger: Mutex<FeedRouteMerger>
    private let apply: @Sendable (RouteTable) -> Bool
    private let logger: Logger

    /// - Parameter apply: the router's `update(_:)`.
    public init(
        source: FeedRouteMerger.ReplicaSource, defaultNamespace: String? = nil, logger: Logger,
        apply: @escaping @Sendable (RouteTable) -> Bool
    ) {
        self.merger = Mutex(FeedRouteMerger(source: source, defaultNamespace: defaultNamespace))
        self.apply = apply
        self.logger = logger
    }

    /// The generation the router serves, nil before the first table.
    public var servingGeneration: UInt64? { merger.withLock { $0.current?.generation } }

    /// A table from the feed.
    public func receive(feed table: RouteTable) {
        publish(merger.withLock { $0.receive(feed: table) })
    }

    /// The namespaces the newest feed table needs EndpointSlices of.
    public var namespaces: Set<String> { merger.withLock { $0.namespaces } }

    /// Every EndpointSlice (of `namespace`, when given), after a (re)list.
    public func replaceSlices(_ all: [String: SliceEndpoints], namespace: String? = nil) {
        publish(merger.withLock { $0.replaceSlices(all, namespace: namespace) })
    }

    /// One EndpointSlice added or changed (`endpoints`), or deleted (nil).
    public func slice(named name: String, _ endpoints: SliceEndpoints?) {
        publish(
            merger.withLock { merger in
                if let endpoints { return merger.updateSlice(named: name, endpoints) }
                return merger.removeSlice(named: name)
            })
    }

    private func publish(_ table: RouteTable?) {
        guard let table else { return }
        let applied = apply(table)
        let replicas = table.services.keys.sorted().map { "\($0):\(table.services[$0]?.replicas.count ?? 0)" }
        if logger.logLevel <= .debug {
            let ids = table.services.keys.sorted().map { name in
                "\(name)=[\((table.services[name]?.replicas ?? []).map(\.id).sorted().joined(separator: " "))]"
            }
            logger.debug("Route table replicas", metadata: ["generation": "\(table.generation)", "replicas": "\(ids.joined(separator: ","))"])
        }
        logger.info(
            "Route table applied",
            metadata: [
                "generation": "\(table.generation)", "applied": "\(applied)",
                "replicas": "\(replicas.joined(separator: ","))",
            ])
    }
}
