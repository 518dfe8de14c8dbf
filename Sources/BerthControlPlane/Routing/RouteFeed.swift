import BerthCore
import Foundation
import Synchronization

/// The route tables the control plane serves to remote routers (`GET /api/v1/routes`): the
/// `RoutePublisher` hands it each table with the compute target of every service, and each
/// watcher is told when a new one is in.
///
/// Watchers get a wake-up, not the table: each reads the newest table when it wakes, so a slow
/// watcher skips tables it would only have overwritten, and never holds one for long.
final class RouteFeed: Sendable {
    /// What a watcher is woken for.
    enum Wake: Sendable { case changed, heartbeat }

    private let state = Mutex(RouteFeedState())

    init() {}

    /// Stores a new table and wakes every watcher.
    func publish(_ routes: PublishedRoutes) {
        let wake = state.withLock { $0.publish(routes) }
        for continuation in wake { continuation.yield(.changed) }
    }

    /// The newest table, nil before the first one is built.
    var latest: PublishedRoutes? { state.withLock { $0.latest } }

    /// A stream of wake-ups for one watcher; it ends when the watcher stops iterating or the feed
    /// is finished (the control plane shuts down).
    func watch() -> (id: UUID, wakes: AsyncStream<Wake>, continuation: AsyncStream<Wake>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let id = UUID()
        let finished = state.withLock { $0.add(id, continuation) }
        if finished { continuation.finish() }
        continuation.onTermination = { [weak self] _ in self?.state.withLock { $0.remove(id) } }
        return (id, stream, continuation)
    }

    /// Ends every watch (their responses end; routers reconnect to the next control plane).
    func finish() {
        let all = state.withLock { $0.finish() }
        for continuation in all { continuation.finish() }
    }
}

/// A route table with the compute target of each of its services, as the publisher built it.
struct PublishedRoutes: Sendable, Hashable {
    var table: RouteTable
    /// Service name → compute target name.
    var computeOf: [String: String]

    /// The part of the table a router of compute target `compute` serves: its services, the
    /// endpoints with a version on it (only those versions), every token verification key (public
    /// keys only). Keys travel as digests, as in every route table; replica secrets only with the
    /// services they belong to, so a cluster's routers never learn another cluster's.
    func table(forCompute compute: String) -> RouteTable {
        let services = table.services.filter { computeOf[$0.key] == compute }
        var endpoints: [String: EndpointRoute] = [:]
        for (name, endpoint) in table.endpoints {
            let versions = endpoint.versions.filter { services[$0.service] != nil }
            if !versions.isEmpty { endpoints[name] = EndpointRoute(name: endpoint.name, versions: versions) }
        }
        return RouteTable(
            generation: table.generation, services: services, tokenKeys: table.tokenKeys, endpoints: endpoints)
    }
}

/// The feed's state: the newest table and the watchers to wake. Pure; `RouteFeed` keeps it
/// behind a `Mutex` and wakes the continuations it returns after unlocking.
struct RouteFeedState {
    private(set) var latest: PublishedRoutes?
    private var watchers: [UUID: AsyncStream<RouteFeed.Wake>.Continuation] = [:]
    private var finished = false

    mutating func publish(_ routes: PublishedRoutes) -> [AsyncStream<RouteFeed.Wake>.Continuation] {
        // A build that started earlier but finished later carries an older generation: dropped.
        if let latest, latest.table.generation > routes.table.generation { return [] }
        latest = routes
        return Array(watchers.values)
    }

    /// - Returns: true when the feed is already finished (the caller ends the stream).
    mutating func add(_ id: UUID, _ continuation: AsyncStream<RouteFeed.Wake>.Continuation) -> Bool {
        guard !finished else { return true }
        watchers[id] = continuation
        return false
    }

    mutating func remove(_ id: UUID) {
        watchers[id] = nil
    }

    mutating func finish() -> [AsyncStream<RouteFeed.Wake>.Continuation] {
        finished = true
        defer { watchers = [:] }
        return Array(watchers.values)
    }
}
