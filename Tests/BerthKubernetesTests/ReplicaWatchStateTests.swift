import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesAPI
import Testing

/// The watched view of a cluster's replicas, as a pure state machine.
struct ReplicaWatchStateTests {
    static func deployment(_ service: String, replicas: Int, revision: String, namespace: String = "ml") -> JSONValue {
        [
            "metadata": [
                "name": .string("berth-\(service)"), "namespace": .string(namespace), "resourceVersion": "5",
                "labels": [ManifestLabels.component: "replica", ManifestLabels.service: .string(service)],
            ],
            "spec": [
                "replicas": .number(Double(replicas)),
                "template": [
                    "metadata": [
                        "labels": [ManifestLabels.revision: .string(revision)],
                        "annotations": [ManifestLabels.revision: .string(revision)],
                    ]
                ],
            ],
        ]
    }

    static func pod(_ name: String, service: String, revision: String, ready: Bool, version: String = "6") -> JSONValue
    {
        [
            "metadata": [
                "name": .string(name), "namespace": "ml", "resourceVersion": .string(version),
                "labels": [
                    ManifestLabels.component: "replica", ManifestLabels.service: .string(service),
                    ManifestLabels.revision: .string(revision),
                ],
            ],
            "status": [
                "phase": "Running", "podIP": "10.0.0.1",
                "conditions": [["type": "Ready", "status": ready ? "True" : "False"]],
            ],
        ]
    }

    @Test("Unsynced until both collections are listed; a lost watch makes readers ask the API again")
    func syncing() {
        var state = ReplicaWatchState()
        #expect(state.lookup(deployment: "s") == .unsynced)
        state.listed(.deployments, items: [Self.deployment("s", replicas: 1, revision: "r1")], resourceVersion: "7")
        #expect(state.lookup(deployment: "s") == .unsynced)
        state.listed(.pods, items: [], resourceVersion: "7")
        #expect(state.lookup(deployment: "other") == .missing)
        guard case .found(let status, let revision) = state.lookup(deployment: "s") else {
            Issue.record("not found")
            return
        }
        #expect(status.desiredReplicas == 1 && status.replicas.isEmpty && revision == "r1")
        state.lost(.pods)
        #expect(state.lookup(deployment: "s") == .unsynced)
        #expect(state.resourceVersion(.pods) == "7")
    }

    @Test(
        "Events add, change and remove objects and move the resourceVersion; a rolling update counts the new revision only"
    )
    func events() {
        var state = ReplicaWatchState()
        state.listed(.deployments, items: [Self.deployment("s", replicas: 2, revision: "r1")], resourceVersion: "1")
        state.listed(.pods, items: [Self.pod("a", service: "s", revision: "r1", ready: true)], resourceVersion: "1")
        state.received(
            .pods, .init(type: "ADDED", object: Self.pod("b", service: "s", revision: "r1", ready: true, version: "8")))
        #expect(state.resourceVersion(.pods) == "8")
        guard case .found(let two, _) = state.lookup(deployment: "s") else {
            Issue.record("not found")
            return
        }
        #expect(two.readyCount == 2)

        // The update: a new revision's Pod starts beside the old ones.
        state.received(.deployments, .init(type: "MODIFIED", object: Self.deployment("s", replicas: 2, revision: "r2")))
        state.received(
            .pods, .init(type: "ADDED", object: Self.pod("c", service: "s", revision: "r2", ready: false, version: "9"))
        )
        guard case .found(let rolling, let revision) = state.lookup(deployment: "s") else {
            Issue.record("not found")
            return
        }
        #expect(revision == "r2")
        #expect(rolling.readyCount == 0, "old Pods do not count for the new revision")
        #expect(rolling.previousReplicas.count == 2)
        #expect(rolling.readyEndpoints.count == 2, "old Pods still serve")

        state.received(
            .pods,
            .init(type: "MODIFIED", object: Self.pod("c", service: "s", revision: "r2", ready: true, version: "10")))
        state.received(
            .pods,
            .init(type: "DELETED", object: Self.pod("a", service: "s", revision: "r1", ready: true, version: "11")))
        guard case .found(let later, _) = state.lookup(deployment: "s") else {
            Issue.record("not found")
            return
        }
        #expect(later.readyCount == 1 && later.previousReplicas.count == 1)
        state.received(.deployments, .init(type: "DELETED", object: Self.deployment("s", replicas: 2, revision: "r2")))
        #expect(state.lookup(deployment: "s") == .missing)
    }
}
