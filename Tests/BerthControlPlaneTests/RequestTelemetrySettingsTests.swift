import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// What `appInsightsEnabled` gives a deployment's replicas, and that changing it restarts them.
struct RequestTelemetrySettingsTests {
    static func service(_ name: String, appInsights: Bool) -> Webservice {
        var config = DeploymentConfig()
        config.appInsightsEnabled = appInsights
        return Webservice(
            name: name, computeName: "mylocal", computeType: "AKS", models: ["m:1", "n:2"],
            inferenceConfig: InferenceConfig(entryScript: "score.py"), deploymentConfig: config, desiredReplicas: 1)
    }

    @Test("On a local cluster the replicas write into the workspace's telemetry folder; off, they get nothing")
    func localReplicasGetTheFolder() throws {
        let root = URL(fileURLWithPath: "/home/me/.berth/telemetry")
        let environment = RequestTelemetrySettings.environment(
            for: Self.service("fraud--ver2", appInsights: true), computeKind: .local, telemetryRoot: root)
        let context = try #require(RequestTelemetryContext.from(environment: environment))
        #expect(context.directory == "/home/me/.berth/telemetry/fraud--ver2")
        #expect(context.models == ["m:1", "n:2"] && context.endpoint == "fraud" && context.endpointVersion == "ver2")
        #expect(
            RequestTelemetrySettings.environment(
                for: Self.service("svc", appInsights: false), computeKind: .local, telemetryRoot: root
            ).isEmpty)
    }

    @Test("In a Kubernetes Pod nothing is written into the Pod (shipping to the control plane is UNFINISHED)")
    func podsGetNoFolder() throws {
        let environment = RequestTelemetrySettings.environment(
            for: Self.service("svc", appInsights: true), computeKind: .kubernetes,
            telemetryRoot: URL(fileURLWithPath: "/t"))
        #expect(try #require(RequestTelemetryContext.from(environment: environment)).directory == nil)
    }

    @Test("Turning request telemetry on or off restarts the replicas, which read it at start")
    func changingItRestartsReplicas() {
        var on = DeploymentConfig()
        on.appInsightsEnabled = true
        #expect(DeploymentRunner.replicasMustRestart(from: DeploymentConfig(), to: on))
        #expect(DeploymentRunner.replicasMustRestart(from: on, to: DeploymentConfig()))
        #expect(!DeploymentRunner.replicasMustRestart(from: on, to: on))
    }
}
