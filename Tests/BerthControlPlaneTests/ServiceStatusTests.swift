import BerthAutoscaling
import BerthBackends
import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import BerthControlPlane

/// The status half of a service: the health rule, the fold of what a backend observes, and the
/// observer that alone writes it, on the in-memory store with a backend whose status the test sets.
struct ServiceStatusTests {
    static func replica(_ id: String, _ state: ReplicaStatus.State, lastError: String? = nil) -> ReplicaStatus {
        ReplicaStatus(id: id, state: state, pid: nil, port: nil, restarts: 2, lastError: lastError, workerFailures: 0)
    }

    static func service(replicas: Int = 2, autoscaled: Bool = false) -> Webservice {
        var config = DeploymentConfig()
        if !autoscaled { config.numReplicas = replicas }
        config.autoScaler.minReplicas = 1
        return Webservice(
            name: "svc", computeName: "local-1", computeType: "Local", models: [],
            inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: config,
            desiredReplicas: replicas)
    }

    @Test("Why replicas are missing: the scheduler's message first, then a replica's last error, else nothing")
    func reason() {
        var status = DeploymentStatus(
            name: "s", desiredReplicas: 2,
            replicas: [
                Self.replica("p1", .ready, lastError: "old"),
                Self.replica("p2", .restarting, lastError: "OOMKilled, exit code 137"),
            ])
        #expect(WebserviceStatus.reason(status) == "Replica p2: OOMKilled, exit code 137")
        status.unschedulable = "Pod p3 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu."
        #expect(
            WebserviceStatus.reason(status)
                == "Pod p3 cannot be scheduled: 0/1 nodes are available: 1 Insufficient cpu.")
        #expect(WebserviceStatus.reason(DeploymentStatus(name: "s", desiredReplicas: 1, replicas: [])) == nil)
        #expect(WebserviceStatus.reason(nil) == nil)
    }

    @Test("The health rule: rollout outcome first, then readiness against what the service needs")
    func healthRule() {
        let fixed = Self.service(replicas: 2)
        func state(_ phase: RolloutCondition.Phase, ready: Int, of service: Webservice = fixed) -> (
            WebserviceState, String?
        ) {
            let failure = ErrorDetail(code: "X", message: "why")
            let (state, error) = ServiceHealth.state(
                of: service,
                status: WebserviceStatus(
                    rollout: RolloutCondition(phase, error: phase == .complete ? nil : failure), readyReplicas: ready,
                    notReadyReason: "Replica r1: exit code 1"))
            return (state, error?.code)
        }
        #expect(state(.progressing, ready: 2) == (.transitioning, nil))
        #expect(state(.complete, ready: 2) == (.healthy, nil))
        #expect(state(.complete, ready: 1) == (.unhealthy, "ReplicasNotReady"))
        #expect(state(.failed, ready: 0) == (.failed, "X"))
        #expect(state(.unschedulable, ready: 0) == (.unschedulable, "X"))
        #expect(state(.timedOut, ready: 1) == (.unhealthy, "X"))
        #expect(state(.timedOut, ready: 2) == (.healthy, nil))
        #expect(state(.rolledBack, ready: 2) == (.healthy, "X"))
        #expect(state(.rolledBack, ready: 0) == (.unhealthy, "ReplicasNotReady"))
        // Autoscaled to 4: healthy with its minimum (1) ready.
        #expect(state(.complete, ready: 1, of: Self.service(replicas: 4, autoscaled: true)) == (.healthy, nil))
        var deleting = fixed
        deleting.deleting = true
        #expect(state(.complete, ready: 2, of: deleting) == (.deleting, nil))
        let (_, message) = ServiceHealth.state(
            of: fixed,
            status: WebserviceStatus(
                rollout: RolloutCondition(.complete), readyReplicas: 1, notReadyReason: "Replica r1: exit code 1"))
        #expect(
            message?.message.hasSuffix(
                "(at least 2 needed). 'berth service get-logs -n svc' shows more. Replica r1: exit code 1") == true)
    }

    @Test("The observer folds the backend's readiness into status, and keeps a spec change made meanwhile")
    func observerFoldsReadiness() async throws {
        let store = InMemoryMetadataStore()
        let backend = StatusBackend()
        let observer = ServiceStatusObserver(
            store: store, backend: backend, changes: ChangeSignal(), logger: Logger(label: "test"))
        let saved = try await store.saveService(Self.service(), status: WebserviceStatus())
        try await observer.rolloutEnded(saved, RolloutCondition(.complete))
        #expect(try await store.service(named: "svc")?.state == .unhealthy)

        backend.set(
            DeploymentStatus(
                name: "svc", desiredReplicas: 2, replicas: [Self.replica("a", .ready), Self.replica("b", .ready)]))
        try await store.updateService(named: "svc", ifGeneration: nil) { $0.description = "changed meanwhile" }
        await observer.observeAll()
        var read = try #require(try await store.service(named: "svc"))
        #expect(read.state == .healthy)
        #expect(read.readyReplicas == 2)
        #expect(read.description == "changed meanwhile")

        backend.set(
            DeploymentStatus(
                name: "svc", desiredReplicas: 2,
                replicas: [Self.replica("a", .ready), Self.replica("b", .restarting, lastError: "killed by signal 9")]))
        await observer.observeAll()
        read = try #require(try await store.service(named: "svc"))
        #expect(read.state == .unhealthy)
        #expect(read.error?.message.hasSuffix("Replica b: killed by signal 9") == true)
    }

    @Test("A deploy waiting on the change signal wakes when a backend fires it", .timeLimit(.minutes(1)))
    func waitWakesOnChange() async {
        let signal = ChangeSignal()
        let seen = signal.version
        async let woke: Void = signal.wait(after: seen, upTo: .seconds(3600))
        signal.fire()
        await woke
        #expect(signal.version == seen + 1)
        // A change fired before the wait began is not missed either.
        await signal.wait(after: seen, upTo: .seconds(3600))
    }
}

/// A compute backend that only reports the status the test sets: the observer reads nothing else.
final class StatusBackend: ComputeBackend, Sendable {
    private let current = Mutex<DeploymentStatus?>(nil)

    func set(_ status: DeploymentStatus?) { current.withLock { $0 = status } }

    func apply(_ spec: DeploymentSpec) async throws {}
    /// The counts `scale` was called with, in order.
    let scaledTo = Mutex<[Int]>([])

    func scale(deploymentNamed name: String, to replicas: Int) async throws {
        scaledTo.withLock { $0.append(replicas) }
    }
    func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? { nil }
    func remove(deploymentNamed name: String) async {}
    func status(ofDeployment name: String) async -> DeploymentStatus? { current.withLock { $0 } }
    func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String { "" }
}

/// The autoscaler's lever on the in-memory store: a decision is applied only to the spec it was
/// made from, so an update made meanwhile is never overwritten by an older read.
struct AutoscalerApplyTests {
    @Test("A decision about an older spec is dropped; one about the current spec scales and is recorded")
    func decisionsApplyToTheSpecTheyRead() async throws {
        let store = InMemoryMetadataStore()
        let backend = StatusBackend()
        let routesChanged = Mutex(0)
        let autoscaler = Autoscaler(
            store: store, backend: backend, queue: DeploymentQueue(),
            routesChanged: { routesChanged.withLock { $0 += 1 } }, board: AutoscalerBoard(),
            loads: RouterLoads(local: { RouterLoad() }), logger: Logger(label: "test"))
        let saved = try await store.saveService(
            ServiceStatusTests.service(replicas: 1, autoscaled: true),
            status: WebserviceStatus(rollout: RolloutCondition(.complete), readyReplicas: 1))
        let up = ScalingDecision(
            desiredReplicas: 3, change: .up, reason: "utilization 150 %", utilization: 1.5, averageInFlight: 1.5)

        try await store.updateService(named: "svc", ifGeneration: nil) { $0.description = "an update meanwhile" }
        #expect(await autoscaler.apply(up, to: saved) == nil)
        var read = try #require(try await store.service(named: "svc"))
        #expect(read.desiredReplicas == 1)
        #expect(read.description == "an update meanwhile")
        #expect(backend.scaledTo.withLock { $0 } == [])

        let scaled = try #require(await autoscaler.apply(up, to: read))
        read = try #require(try await store.service(named: "svc"))
        #expect(scaled.desiredReplicas == 3)
        #expect(read.desiredReplicas == 3)
        #expect(read.description == "an update meanwhile")
        #expect(backend.scaledTo.withLock { $0 } == [3])
        #expect(routesChanged.withLock { $0 } == 1)
        let events = try await store.scalingEvents(forService: "svc", limit: 5)
        #expect(events.map(\.kind) == [.scaleUp])
        #expect(events.first?.reason == "utilization 150 %")
    }
}
