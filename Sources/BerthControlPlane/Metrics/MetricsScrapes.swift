import BerthAutoscaling
import BerthBackends
import BerthCore
import BerthMetrics
import BerthStore

/// What `GET /metrics` (the control plane's own metrics) and `GET /api/v1/computes/<name>/metrics`
/// (every running replica of a compute target's services, read now and merged) answer, both in
/// the Prometheus text format; `ControlPlaneAPI` serves them behind the admin token like the rest
/// of the admin API.
///
/// The cluster target lets a user configure one Prometheus job per cluster however many replicas
/// come and go: each replica's series get `service` and `replica` labels (unless they have them),
/// and `berth_replica_up` says which replicas answered.
struct MetricsScrapes: Sendable {
    let metrics: ControlPlaneMetrics
    let store: any MetadataStore
    let backend: any ComputeBackend
    let board: AutoscalerBoard
    let feed: RouteFeed

    /// The control plane's registry, then its services' replicas and the route table's generation.
    func controlPlaneText() async throws -> [UInt8] {
        var writer = MetricsTextWriter(bytes: metrics.registry.exposition())
        try await writeServices(to: &writer)
        return writer.bytes
    }

    /// Replicas desired and ready per service, the autoscaler's utilization and the route table's
    /// generation, as stored and observed now.
    private func writeServices(to writer: inout MetricsTextWriter) async throws {
        let services = try await store.services().filter { !$0.deleting }.sorted { $0.name < $1.name }
        writer.family(
            "berth_service_replicas_desired", type: "gauge", help: "Replicas each service should run (its spec).")
        for service in services {
            writer.sample(
                "berth_service_replicas_desired", labels: [("service", service.name)],
                value: Double(service.desiredReplicas))
        }
        writer.family(
            "berth_service_replicas_ready", type: "gauge", help: "Replicas of each service that answer /ready.")
        for service in services {
            writer.sample(
                "berth_service_replicas_ready", labels: [("service", service.name)],
                value: Double(service.readyReplicas))
        }
        writer.family(
            "berth_autoscaler_utilization_ratio", type: "gauge",
            help:
                "In flight / (ready replicas x maxConcurrentRequestsPerContainer) at the last decision, per autoscaled service."
        )
        for service in services {
            guard let utilization = board.entry(forService: service.name)?.decision.utilization else { continue }
            writer.sample("berth_autoscaler_utilization_ratio", labels: [("service", service.name)], value: utilization)
        }
        writer.family(
            "berth_route_table_generation", type: "gauge",
            help: "Generation of the route table the control plane last published (0 before the first).")
        writer.sample("berth_route_table_generation", value: Double(feed.latest?.table.generation ?? 0))
    }

    /// Every running replica of the compute target's services, merged into one scrape.
    func clusterText(compute: String) async throws -> String {
        guard try await store.compute(named: compute) != nil else {
            throw BerthError.notFound(
                "Compute target '\(compute)' does not exist. 'berth computetarget list' lists them.")
        }
        let services = try await store.services().filter { $0.computeName == compute && !$0.deleting }
        let scraped = await withTaskGroup(of: (String, [ReplicaMetricsText]).self) { group in
            for service in services {
                group.addTask { (service.name, await backend.metrics(ofDeployment: service.name)) }
            }
            var all: [(String, [ReplicaMetricsText])] = []
            for await result in group { all.append(result) }
            return all.sorted { $0.0 < $1.0 }
        }
        var up = MetricsTextWriter()
        up.family("berth_replica_up", type: "gauge", help: "Whether the replica answered its /metrics (1) or not (0).")
        var sources: [(exposition: Exposition, labels: [(String, String)])] = []
        for (service, replicas) in scraped {
            for replica in replicas {
                let labels = [("service", service), ("replica", replica.replica)]
                let exposition = replica.text.flatMap { try? Exposition(parsing: $0) }
                up.sample("berth_replica_up", labels: labels, value: exposition == nil ? 0 : 1)
                if let exposition { sources.append((exposition, labels)) }
            }
        }
        return String(decoding: up.bytes, as: UTF8.self) + Exposition.merged(sources)
    }

}
