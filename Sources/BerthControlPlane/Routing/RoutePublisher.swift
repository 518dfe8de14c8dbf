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
        let changes = signal.subscribe()
        await cancelWhenGracefulShutdown {
            await self.rebuild()
            for await _ in changes {
                await self.rebuild()
            }
        }
        // The feed's watch streams end, so the API server can finish its responses and stop.
        feed.finish()
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
