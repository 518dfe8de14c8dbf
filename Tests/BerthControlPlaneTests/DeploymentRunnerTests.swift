import BerthBackends
import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import BerthControlPlane

/// The deployment runner on the in-memory store with a scripted backend: how each rollout ends
/// (ready, replicas that keep crashing, no room, too slow, an update that never gets ready) and what
/// it leaves behind — the operation's outcome and log, the service's state, the backend's replicas,
/// the published route table. No process starts; the end-to-end suites prove the same journeys
/// with real replicas.
struct DeploymentRunnerTests {
    @Test("A deploy whose replicas get ready: Healthy, its operation succeeded and the router routes it")
    func readyReplicasMakeAHealthyService() async throws {
        let harness = try await RunnerHarness(behaviour: .ready)
        defer { harness.remove() }
        try await harness.running {
            let operation = try await harness.finished(try await harness.deployer.deploy(harness.request(replicas: 2)))
            #expect(operation.state == .succeeded, "\(operation)")
            #expect(operation.log.contains { $0.message == "Replicas ready: 2/2" }, "\(operation.log)")
            let service = try #require(try await harness.store.service(named: "svc"))
            #expect(service.state == .healthy)
            #expect(service.error == nil)
            #expect(service.revision != nil && harness.backend.applied.last?.revision == service.revision)
            #expect(harness.backend.applied.last?.replicas == 2)
            #expect(harness.publishedServices.contains("svc"), "in the route table when the deploy returns")
        }
    }

    @Test("Replicas that keep crashing before any is ready: Failed with the replica's log, and removed")
    func crashingReplicasFailTheDeploy() async throws {
        let harness = try await RunnerHarness(behaviour: .crashing(restarts: 3, log: "Traceback: init() raised"))
        defer { harness.remove() }
        try await harness.running {
            let operation = try await harness.finished(try await harness.deployer.deploy(harness.request()))
            #expect(operation.state == .failed)
            #expect(operation.error?.message.contains("failed 3 times in a row") == true, "\(operation)")
            #expect(operation.error?.message.contains("Traceback: init() raised") == true)
            let service = try #require(try await harness.store.service(named: "svc"))
            #expect(service.state == .failed)
            #expect(harness.backend.removed == ["svc"], "a failed revision's replicas are not left restarting")
        }
    }

    @Test("No room on the cluster: Unschedulable with the scheduler's reason")
    func noRoomIsUnschedulable() async throws {
        let harness = try await RunnerHarness(behaviour: .unschedulable("needs 2 cores, 1 free"))
        defer { harness.remove() }
        try await harness.running {
            let operation = try await harness.finished(try await harness.deployer.deploy(harness.request()))
            #expect(operation.state == .failed)
            #expect(operation.error?.code == BerthError.Code.insufficientCapacity.rawValue, "\(operation)")
            let service = try #require(try await harness.store.service(named: "svc"))
            #expect(service.state == .unschedulable)
            #expect(service.error?.message == "needs 2 cores, 1 free")
        }
    }

    @Test("Replicas still starting at the timeout: Unhealthy, and they are left to come up")
    func slowReplicasTimeOut() async throws {
        let harness = try await RunnerHarness(behaviour: .starting, readinessTimeout: .milliseconds(200))
        defer { harness.remove() }
        try await harness.running {
            let operation = try await harness.finished(try await harness.deployer.deploy(harness.request()))
            #expect(operation.state == .failed)
            #expect(operation.error?.message.contains("became ready within") == true, "\(operation)")
            let service = try #require(try await harness.store.service(named: "svc"))
            #expect(service.state == .unhealthy)
            #expect(harness.backend.removed.isEmpty)

            // They come up later: the status observer makes the service Healthy without a deploy.
            harness.backend.behaviour = .ready
            try await harness.backend.apply(harness.backend.applied.last!)
            await harness.observer.observeAll()
            #expect(try await harness.store.service(named: "svc")?.state == .healthy)
        }
    }

    @Test("An update whose revision never gets ready is rolled back: the old revision serves, UpdateFailed says why")
    func failedUpdateRollsBack() async throws {
        let harness = try await RunnerHarness(behaviour: .ready)
        defer { harness.remove() }
        try await harness.running {
            _ = try await harness.finished(try await harness.deployer.deploy(harness.request()))
            let before = try #require(try await harness.store.service(named: "svc"))
            try "def init():\n    raise RuntimeError('v2')\n\ndef run(data):\n    return data\n".write(
                to: harness.folder.appending("score.py"), atomically: true, encoding: .utf8)

            harness.backend.behaviour = .crashing(restarts: 3, log: "RuntimeError: v2")
            let update = try await harness.finished(
                try await harness.deployer.update(
                    "svc",
                    UpdateServiceRequest(
                        inferenceConfig: #"{"entryScript": "score.py"}"#, baseDirectory: harness.folder.url.path)))
            #expect(update.state == .failed, "\(update)")
            let after = try #require(try await harness.store.service(named: "svc"))
            #expect(after.revision == before.revision, "the spec is the old revision's again")
            #expect(after.error?.code == "UpdateFailed", "\(String(describing: after.error))")
            #expect(after.state == .healthy, "the old replicas never stopped")
            #expect(harness.backend.applied.last?.revision == before.revision)
        }
    }

    @Test("After a restart the stored services are started again; one being deleted is deleted")
    func restartRestoresAndFinishesDeletes() async throws {
        let harness = try await RunnerHarness(behaviour: .ready)
        defer { harness.remove() }
        try await harness.running {
            _ = try await harness.finished(try await harness.deployer.deploy(harness.request()))
            var other = harness.request()
            other.name = "gone"
            _ = try await harness.finished(try await harness.deployer.deploy(other))
            try await harness.store.updateService(named: "gone", ifGeneration: nil) { $0.deleting = true }
        }
        // A new runner over the same store, as after a server restart; the backend runs nothing.
        let restarted = try await RunnerHarness(behaviour: .ready, reusing: harness)
        try await restarted.running {
            try await restarted.waitUntil { try await restarted.store.service(named: "gone") == nil }
            // Transitioning from before the restore applies its spec until its replicas are ready.
            try await restarted.waitUntil {
                guard !restarted.backend.applied.isEmpty else { return false }
                return try await restarted.store.service(named: "svc")?.state == .healthy
            }
            #expect(restarted.backend.applied.map(\.name) == ["svc"])
            #expect(restarted.backend.removed == ["gone"])
        }
    }
}
