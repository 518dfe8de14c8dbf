import BerthCore
import BerthKubernetesAPI
import Testing

@testable import BerthKubernetesDouble

/// The double's Deployment controller rolls over by the Deployment's `maxSurge` and
/// `maxUnavailable`, as Kubernetes does, and the API server refuses both at 0.
struct RolloutStrategyTests {
    static func deployment(replicas: Int, maxSurge: JSONValue?, maxUnavailable: JSONValue?) -> JSONValue {
        var rolling: [String: JSONValue] = [:]
        if let maxSurge { rolling["maxSurge"] = maxSurge }
        if let maxUnavailable { rolling["maxUnavailable"] = maxUnavailable }
        return [
            "metadata": ["name": "web", "namespace": "default", "uid": "d1", "generation": 2],
            "spec": [
                "replicas": .number(Double(replicas)),
                "strategy": ["type": "RollingUpdate", "rollingUpdate": .object(rolling)],
                "template": ["metadata": ["labels": ["app": "web", "rev": "2"]], "spec": ["containers": []]],
            ],
        ]
    }

    /// `count` ready Pods of an earlier template.
    static func oldPods(_ count: Int) -> [JSONValue] {
        (0..<count).map { index in
            [
                "metadata": ["name": .string("web-old-\(index)"), "labels": ["pod-template-hash": "old"]],
                "spec": ["nodeName": "n1"],
                "status": ["conditions": [["type": "Ready", "status": "True"]]],
            ]
        }
    }

    static func plan(_ deployment: JSONValue, _ pods: [JSONValue]) -> DoubleDeploymentPlan {
        DoubleDeploymentPlan.plan(deployment: deployment, pods: pods, owner: ["metadata": ["name": "web-rs"]]) { "x" }
    }

    @Test("Berth's 1 and 0: one new Pod at a time, no old one removed before it is ready")
    func surgeOneUnavailableZero() {
        let plan = Self.plan(Self.deployment(replicas: 4, maxSurge: 1, maxUnavailable: 0), Self.oldPods(4))
        #expect(plan.create.count == 1)
        #expect(plan.delete.isEmpty)
    }

    @Test("maxSurge 2, maxUnavailable 1: two new Pods and one old one removed at once")
    func surgeTwoUnavailableOne() {
        let plan = Self.plan(Self.deployment(replicas: 4, maxSurge: 2, maxUnavailable: 1), Self.oldPods(4))
        #expect(plan.create.count == 2)
        #expect(plan.delete.count == 1)
    }

    @Test("Percentages (and the 25 % defaults): maxSurge rounds up, maxUnavailable down")
    func percentages() {
        #expect(
            DoubleDeploymentPlan.rollingUpdate(
                Self.deployment(replicas: 3, maxSurge: nil, maxUnavailable: nil), desired: 3) == (1, 0))
        #expect(
            DoubleDeploymentPlan.rollingUpdate(
                Self.deployment(replicas: 10, maxSurge: "50%", maxUnavailable: "25%"), desired: 10) == (5, 2))
    }

    @Test("The API server refuses maxSurge and maxUnavailable both 0 (422)", .timeLimit(.minutes(1)))
    func bothZeroRefused() async throws {
        try await KubernetesAPIDouble.withRunning { double in
            var manifest = ImmutableFieldTests.deployment(selector: ["app": "web"], labels: ["app": "web"])
            if case .object(var members) = manifest, case .object(var spec)? = members["spec"] {
                spec["strategy"] = ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": 0, "maxUnavailable": "0%"]]
                members["spec"] = .object(spec)
                manifest = .object(members)
            }
            let refused = await #expect(throws: KubernetesError.self) { try await double.client().create(manifest) }
            #expect(refused?.httpStatus == 422)
            #expect(refused?.message.contains("may not be 0 when `maxSurge` is 0") == true)
        }
    }
}
