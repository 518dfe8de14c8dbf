import BerthAutoscaling
import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Logging
import ServiceLifecycle

/// Scales every service whose deployment config autoscales (`autoScaler.autoscaleEnabled` without
/// `numReplicas`) by the seed's rule, from the routers' load reports (the in-process router's and
/// those of routers elsewhere, e.g. in an attached cluster, summed: `RouterLoads`).
///
/// Ten times a second it samples each service's requests in flight at the router (queued ones
/// included: they are load the replicas have not taken yet) into an `InFlightAverage` and asks the
/// service's `ScalingPolicy`, which changes the count at most once per `refreshPeriodInSeconds`;
/// so a load step is acted on within a sample or two, not up to a period later. It applies a
/// change: the stored `desiredReplicas` first (a restarted server comes back at that count), then
/// the backend's `scale`, then an event with the reason. A service with a deploy or delete in
/// progress is left to that operation and decided again at the next refresh.
struct Autoscaler: Service {
    let store: any MetadataStore
    let backend: any ComputeBackend
    let queue: DeploymentQueue
    /// Tells the route publisher that a service's replica count changed.
    let routesChanged: @Sendable () -> Void
    let board: AutoscalerBoard
    /// The routers' load right now: the in-process router's plus remote routers' reports.
    let loads: RouterLoads
    let logger: Logger
    /// How long lower load must hold before a replica is removed (the seed's "about a minute").
    var scaleDownStabilization: Duration = .seconds(60)
    /// How often the router's load is sampled between decisions.
    var sampleInterval: Duration = .milliseconds(100)
    /// How often the list of services is read from the store.
    var serviceRefresh: Duration = .seconds(1)
    /// Where applied decisions are counted; nil counts nothing.
    var metrics: ControlPlaneMetrics?

    private typealias Instant = ContinuousClock.Instant

    /// One autoscaled service's policy state, kept while its settings stay the same.
    private struct Book {
        var settings: AutoscaleSettings
        var policy: ScalingPolicy<Instant>
        var average: InFlightAverage<Instant>
        /// The capacity shortfall last reported as an event, so it is reported once, not per second.
        var reportedShortfall: String?
    }

    func run() async throws {
        let clock = ContinuousClock()
        var books: [String: Book] = [:]
        var services: [String: Webservice] = [:]
        var nextServiceRefresh = clock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock.now
            if now >= nextServiceRefresh {
                if let stored = try? await store.services() {
                    services = Dictionary(uniqueKeysWithValues: stored.map { ($0.name, $0) })
                    books = books.filter { services[$0.key] != nil }
                    board.forget(servicesOtherThan: Set(services.keys))
                }
                nextServiceRefresh = now.advanced(by: serviceRefresh)
            }
            let demand = loads.demand()
            for (name, service) in services {
                guard service.state == .healthy || service.state == .unhealthy,
                    let settings = AutoscaleSettings(
                        service.deploymentConfig, scaleDownStabilization: scaleDownStabilization)
                else {
                    books[name] = nil
                    continue
                }
                var book =
                    books[name].flatMap { $0.settings == settings ? $0 : nil }
                    ?? Book(
                        settings: settings, policy: ScalingPolicy(settings: settings),
                        average: InFlightAverage(period: settings.refreshPeriod))
                book.average.record(demand[name]?.total ?? 0, at: now)
                if let scaled = await decide(service, &book, at: now) { services[name] = scaled }
                books[name] = book
            }
            try? await Task.sleep(for: sampleInterval)
        }
    }

    /// One observation of one service; returns the service as stored when it changed.
    private func decide(_ service: Webservice, _ book: inout Book, at now: Instant) async -> Webservice? {
        let ready = await backend.status(ofDeployment: service.name)?.readyCount ?? 0
        let capacity = await backend.replicaCapacity(ofDeployment: service.name)
        let decision = book.policy.decide(
            ScalingObservation(
                averageInFlight: book.average.mean(at: now), readyReplicas: ready,
                desiredReplicas: service.desiredReplicas, capacity: capacity),
            at: now)
        board.record(decision, readyReplicas: ready, forService: service.name)
        var scaled: Webservice?
        if decision.change != .none {
            scaled = await apply(decision, to: service)
        }
        if decision.capacityShortfall != book.reportedShortfall {
            book.reportedShortfall = decision.capacityShortfall
            if let shortfall = decision.capacityShortfall {
                logger.warning("Scale-up limited by capacity", metadata: ["service.name": "\(service.name)"])
                await record(
                    ScalingEvent(
                        time: Date(), kind: .capacityLimited, fromReplicas: service.desiredReplicas,
                        toReplicas: decision.desiredReplicas, reason: shortfall),
                    service.name)
            }
        }
        return scaled
    }

    /// Applies `decision` about `service` as read: nothing when the service changed since (another
    /// spec generation) or an operation owns it now.
    func apply(_ decision: ScalingDecision, to service: Webservice) async -> Webservice? {
        let name = service.name
        // A deploy or delete of this service owns it until it ends; decide again next refresh.
        guard queue.claim(name) else { return nil }
        defer { queue.release(name) }
        do {
            // Only at the generation decided on: a spec changed meanwhile (an update, a redeploy)
            // is decided again at the next refresh, never overwritten.
            let current: Webservice
            do {
                current = try await store.updateService(named: name, ifGeneration: service.generation) {
                    $0.desiredReplicas = decision.desiredReplicas
                    $0.updatedTime = Date()
                }
            } catch let error as BerthError where error.code == .conflict || error.code == .notFound {
                return nil
            }
            try await backend.scale(deploymentNamed: name, to: decision.desiredReplicas)
            metrics?.scaled(service: name, direction: decision.change.rawValue)
            logger.info(
                "Service scaled",
                metadata: [
                    "service.name": "\(name)", "from": "\(service.desiredReplicas)",
                    "to": "\(decision.desiredReplicas)",
                    "reason": "\(decision.reason)",
                ])
            await record(
                ScalingEvent(
                    time: Date(), kind: decision.change == .up ? .scaleUp : .scaleDown,
                    fromReplicas: service.desiredReplicas, toReplicas: decision.desiredReplicas, reason: decision.reason
                ),
                name)
            routesChanged()
            return current
        } catch {
            logger.error("Could not scale service", metadata: ["service.name": "\(name)", "error": "\(error)"])
            return nil
        }
    }

    private func record(_ event: ScalingEvent, _ service: String) async {
        do {
            try await store.appendScalingEvent(event, forService: service)
        } catch {
            logger.error(
                "Could not record a scaling event", metadata: ["service.name": "\(service)", "error": "\(error)"])
        }
    }
}
