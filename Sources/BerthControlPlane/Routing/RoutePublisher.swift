import BerthAuth
import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Builds the route table (services, key digests, limits, ready replicas, the replica secrets of
/// Kubernetes services, token keys, endpoint splits) from the store and the backend, and hands each
/// new generation to the router, whenever something changed.
///
/// Changes arrive through `changed()` — from the backend when a replica's readiness flips, from
/// the API after a deploy, delete or key regeneration — and are coalesced: a burst of changes
/// gives one rebuild.
final class RoutePublisher: Service, Sendable {
    private let store: any MetadataStore
    private let backend: any ComputeBackend
    private let publish: @Sendable (RouteTable) -> Void
    private let logger: Logger
    private let signal: ChangeSignal
    private let signingKeys: WorkspaceSigningKeys
    private let replicaSecrets: ReplicaSecrets
    private let endpointStore: any EndpointStore
    private let generation = Mutex<UInt64>(0)
    /// Where routers in attached clusters read the tables (per cluster).
    let feed: RouteFeed

    init(
        store: any MetadataStore, endpointStore: any EndpointStore, backend: any ComputeBackend, signal: ChangeSignal,
        signingKeys: WorkspaceSigningKeys, replicaSecrets: ReplicaSecrets, logger: Logger,
        feed: RouteFeed = RouteFeed(),
        publish: @escaping @Sendable (RouteTable) -> Void
    ) {
        self.feed = feed
        self.replicaSecrets = replicaSecrets
        self.store = store
        self.endpointStore = endpointStore
        self.signingKeys = signingKeys
        self.backend = backend
        self.signal = signal
        self.publish = publish
        self.logger = logger
    }

    /// Asks for a rebuild; cheap and callable from anywhere.
    func changed() {
        signal.fire()
    }

    func run() async throws {
        changed()
        await cancelWhenGracefulShutdown {
            for await _ in self.signal.changes {
                await self.rebuild()
            }
        }
        // The feed's watch streams end, so the API server can finish its responses and stop.
        feed.finish()
    }

    /// Keeps a settled service's `readyReplicas` and Healthy/Unhealthy state true to what runs,
    /// e.g. while a killed replica restarts. Services being deployed or deleted are the runner's.
    ///
    /// An autoscaled service is Healthy with at least `minReplicas` ready: replicas the autoscaler
    /// just added are still starting, and that is not a fault.
    private func observe(_ service: Webservice, readyReplicas: Int, status: DeploymentStatus?) async throws {
        guard service.state == .healthy || service.state == .unhealthy else { return }
        let config = service.deploymentConfig
        let autoscaled = config.numReplicas == nil && config.autoScaler.autoscaleEnabled
        let enough =
            autoscaled ? min(service.desiredReplicas, max(1, config.autoScaler.minReplicas)) : service.desiredReplicas
        let state: WebserviceState = readyReplicas >= enough ? .healthy : .unhealthy
        let why = Self.reason(status)
        guard
            state != service.state || readyReplicas != service.readyReplicas
                || (state == .unhealthy && !(service.error?.message.hasSuffix(why) ?? false))
        else { return }
        var updated = service
        updated.state = state
        updated.readyReplicas = readyReplicas
        // Only the error this observer sets is cleared here; others (a rolled-back update) stay.
        updated.error =
            state == .healthy
            ? (service.error?.code == "ReplicasNotReady" ? nil : service.error)
            : ErrorDetail(
                code: "ReplicasNotReady",
                message:
                    "\(readyReplicas) of \(service.desiredReplicas) replicas are ready (at least \(enough) needed). "
                    + "'berth service get-logs -n \(service.name)' shows more." + why)
        updated.updatedTime = Date()
        try await store.saveService(updated)
    }

    /// Why replicas are missing, as the backend knows it (the scheduler's message, or a replica's
    /// last termination reason such as `OOMKilled, exit code 137`), as a sentence to append; "" if unknown.
    static func reason(_ status: DeploymentStatus?) -> String {
        if let shortage = status?.unschedulable { return " " + shortage }
        guard let failing = status?.replicas.first(where: { $0.state != .ready && $0.lastError != nil }),
            let error = failing.lastError
        else { return "" }
        return " Replica \(failing.id): \(error)"
    }

    /// Builds and publishes the table now.
    ///
    /// Safe to run beside the publisher's own loop: the generation is taken before the store and
    /// the backend are read, and the router and the feed keep only a newer generation than the
    /// one they have, so a build that read older state never replaces a newer one.
    func rebuild() async {
        let next = generation.withLock { value -> UInt64 in
            value += 1
            return value
        }
        do {
            var services: [String: ServiceRoute] = [:]
            var computeOf: [String: String] = [:]
            // Replicas on Kubernetes require the router's secret; local ones are on private sockets.
            let computes = try await store.computes()
            let clusters = Set(computes.filter { $0.computeType == .kubernetes }.map(\.name))
            // Services on a compute target with TLS are scored over TLS only.
            let tlsOnly = Set(computes.filter { $0.sslConfiguration != nil }.map(\.name))
            for service in try await store.services() where service.state != .deleting {
                let config = service.deploymentConfig
                let keys = config.authEnabled ? try await store.serviceKeys(forService: service.name) : nil
                let status = await backend.status(ofDeployment: service.name)
                // Routed: every ready replica, the previous revision's too during a rolling update;
                // counted: the current revision's only.
                let replicas = status?.readyEndpoints ?? []
                try await observe(service, readyReplicas: status?.readyCount ?? 0, status: status)
                services[service.name] = ServiceRoute(
                    name: service.name, authEnabled: config.authEnabled,
                    keyDigests: keys.map {
                        [ServiceKeyring.digest($0.primaryKey), ServiceKeyring.digest($0.secondaryKey)]
                    }
                        ?? [],
                    scoringTimeoutMs: config.scoringTimeoutMs, maxQueueWaitMs: config.maxQueueWaitMs,
                    maxConcurrentRequestsPerContainer: config.maxConcurrentRequestsPerContainer, replicas: replicas,
                    tokenAuthEnabled: config.aadAuthEnabled, namespace: config.namespace,
                    replicaSecret: clusters.contains(service.computeName)
                        ? replicaSecrets.secret(forService: service.name) : nil,
                    tlsOnly: tlsOnly.contains(service.computeName) ? true : nil)
                computeOf[service.name] = service.computeName
            }
            let tokenKeys = try await signingKeys.verificationKeys()
            let endpoints = try await EndpointRouteBuilder.build(
                try await endpointStore.endpoints(), store: endpointStore, services: &services)
            let table = RouteTable(generation: next, services: services, tokenKeys: tokenKeys, endpoints: endpoints)
            publish(table)
            feed.publish(PublishedRoutes(table: table, computeOf: computeOf))
            logger.debug("Route table published", metadata: ["generation": "\(next)", "services": "\(services.count)"])
        } catch {
            logger.error(
                "Cannot build the route table; the router keeps the previous one", metadata: ["error": "\(error)"])
        }
    }
}

/// "Something the route table depends on changed": fired by the backend and the API, consumed
/// by the `RoutePublisher`. Created first, so the backend and the publisher can both hold it.
public final class ChangeSignal: Sendable {
    let changes: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Records a change; bursts coalesce into one rebuild.
    public func fire() {
        continuation.yield()
    }
}
