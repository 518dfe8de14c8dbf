import BerthCore
import BerthMetrics
import Synchronization

/// The router's Prometheus metrics, served at its `GET /metrics` (`Router.Configuration.metrics`).
///
/// Per request the router only adds to atomics and histograms through handles made ahead: a
/// route table that brings a service or a replica makes its `ServiceMeters` here (under a lock,
/// at the control plane's pace), and each client connection keeps a copy of the services' meters
/// that it takes again only when a newer table was applied (`RouteCache`), so the request path
/// takes no registry lock and builds no label. Series of services and replicas that leave the
/// table are dropped, so the labels stay bounded by what the table holds: service, endpoint
/// version, replica id, status class and a closed reason. Requests in flight and queued, and the
/// route table's generation, are read from admission when scraped, at no cost per request.
final class RouterMetrics: Sendable {
    let registry: MetricsRegistry
    /// Requests that named no service of the table (unknown services, endpoints or paths).
    let unrouted: ServiceMeters

    private struct State {
        var generation: UInt64?
        var services: [String: ServiceMeters] = [:]
    }

    private let state = Mutex(State())
    /// Moves on with every table applied, so a connection's copy knows when it is stale.
    private let version = Atomic<UInt64>(0)

    /// - Parameter load: the router's load, read at each scrape.
    init(registry: MetricsRegistry, load: @escaping @Sendable () -> RouterLoad) {
        self.registry = registry
        unrouted = ServiceMeters(
            labels: .init(service: "", endpoint: "", version: ""), replicaIDs: [], registry: registry, reusing: nil)
        registry.addCollector { writer in Self.writeLoad(load(), to: &writer) }
    }

    /// The version of `services()`: it moves on whenever a table is applied. Read without a lock.
    var currentVersion: UInt64 { version.load(ordering: .acquiring) }

    /// Every service's meters, and a version they are at least as new as.
    func services() -> (version: UInt64, services: [String: ServiceMeters]) {
        let version = currentVersion
        return (version, state.withLock { $0.services })
    }

    /// Makes the meters of the services and replicas `table` brings, drops those it no longer has.
    /// A table older than the last one is ignored (two updates may race here after admission).
    func update(_ table: RouteTable) {
        var versionOf: [String: (endpoint: String, version: String)] = [:]
        for endpoint in table.endpoints.values {
            for version in endpoint.versions { versionOf[version.service] = (endpoint.name, version.name) }
        }
        state.withLock { state in
            if let generation = state.generation, table.generation < generation { return }
            state.generation = table.generation
            var next: [String: ServiceMeters] = [:]
            for (name, route) in table.services {
                let labels = ServiceMeters.Labels(
                    service: name, endpoint: versionOf[name]?.endpoint ?? "", version: versionOf[name]?.version ?? "")
                let ids = route.replicas.map(\.id)
                guard let old = state.services[name] else {
                    next[name] = ServiceMeters(labels: labels, replicaIDs: ids, registry: registry, reusing: nil)
                    continue
                }
                if old.labels != labels {
                    old.remove(from: registry)
                    next[name] = ServiceMeters(labels: labels, replicaIDs: ids, registry: registry, reusing: nil)
                } else if Set(old.replicas.keys) == Set(ids) {
                    next[name] = old
                } else {
                    for (id, replica) in old.replicas where !ids.contains(id) { replica.remove(from: registry) }
                    next[name] = ServiceMeters(labels: labels, replicaIDs: ids, registry: registry, reusing: old)
                }
            }
            for (name, old) in state.services where next[name] == nil { old.remove(from: registry) }
            state.services = next
        }
        version.add(1, ordering: .releasing)
    }

    /// The families read from admission at scrape time.
    private static func writeLoad(_ load: RouterLoad, to writer: inout MetricsTextWriter) {
        writer.family(
            "berth_router_route_table_generation", type: "gauge",
            help: "Generation of the route table the router serves (0 before the first).")
        writer.sample("berth_router_route_table_generation", value: Double(load.generation))
        let services = load.services.values.sorted { $0.name < $1.name }
        writer.family(
            "berth_router_requests_in_flight", type: "gauge",
            help: "Requests on a replica right now, per service and replica.")
        for service in services {
            for replica in service.replicas.sorted(by: { $0.id < $1.id }) {
                writer.sample(
                    "berth_router_requests_in_flight", labels: [("service", service.name), ("replica", replica.id)],
                    value: Double(replica.inFlight))
            }
        }
        writer.family(
            "berth_router_requests_queued", type: "gauge",
            help: "Requests waiting in the admission queue right now, per service.")
        for service in services {
            writer.sample(
                "berth_router_requests_queued", labels: [("service", service.name)], value: Double(service.queued))
        }
    }
}
