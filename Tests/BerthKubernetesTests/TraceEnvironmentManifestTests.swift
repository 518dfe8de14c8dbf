import BerthBackends
import BerthCore
import BerthKubernetes
import Testing

/// Router and replica Pods export traces to the control plane's collector when it exports any:
/// its `OTEL_*` variables go into their containers' `env`, and nothing when it exports none.
struct TraceEnvironmentManifestTests {
    static let exporting = [
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector.observability:4318", "OTEL_BSP_SCHEDULE_DELAY": "200",
        "PATH": "/usr/bin", "BERTH_HOME": "/srv/berth",
    ]

    private static func env(_ container: JSONValue?) -> [String: String] {
        var values: [String: String] = [:]
        for entry in container?["env"]?.arrayValue ?? [] {
            if let name = entry["name"]?.stringValue, let value = entry["value"]?.stringValue { values[name] = value }
        }
        return values
    }

    @Test("Only the OTEL_* variables pass on, and only when an endpoint is set")
    func passedOn() {
        #expect(
            TraceExportEnvironment.passedOn(from: Self.exporting) == [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector.observability:4318", "OTEL_BSP_SCHEDULE_DELAY": "200",
            ])
        #expect(TraceExportEnvironment.passedOn(from: ["OTEL_BSP_SCHEDULE_DELAY": "200"]).isEmpty)
        #expect(
            TraceExportEnvironment.passedOn(from: Self.exporting.merging(["OTEL_SDK_DISABLED": "true"]) { $1 }).isEmpty)
        #expect(
            TraceExportEnvironment.passedOn(from: Self.exporting.merging(["OTEL_TRACES_EXPORTER": "none"]) { $1 })
                .isEmpty)
    }

    @Test("The router container gets the variables")
    func routerPods() {
        var installation = ManifestSamples.installation()
        installation.traceEnvironment = TraceExportEnvironment.passedOn(from: Self.exporting)
        let deployment = RouterManifests.deployment(installation)
        let env = Self.env(deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
        #expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector.observability:4318")
        #expect(env["OTEL_BSP_SCHEDULE_DELAY"] == "200")
        #expect(env["PATH"] == nil && env["BERTH_HOME"] == nil)
        let plain = RouterManifests.deployment(ManifestSamples.installation())
        #expect(
            !Self.env(plain["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first).keys.contains {
                $0.hasPrefix("OTEL_")
            })
    }

    @Test("The replica container gets the variables; the deployment's own environment wins")
    func replicaPods() {
        var workload = ManifestSamples.workload()
        workload.spec.environment["OTEL_SERVICE_NAME"] = "fraud-model"
        workload.traceEnvironment = TraceExportEnvironment.passedOn(
            from: Self.exporting.merging(["OTEL_SERVICE_NAME": "from-server"]) { $1 })
        let deployment = ReplicaManifests.deployment(workload)
        let containers = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
        let replica = containers.first { $0["name"] == "replica" }
        let env = Self.env(replica)
        #expect(env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector.observability:4318")
        #expect(env["OTEL_SERVICE_NAME"] == "fraud-model")
        let names = (replica?["env"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names.filter { $0 == "OTEL_SERVICE_NAME" }.count == 1, "\(names)")
    }
}
