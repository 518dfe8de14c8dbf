/// The OpenTelemetry environment variables that decide whether a Berth process exports traces,
/// and that travel with the processes and Pods it starts.
///
/// Trace export follows the OpenTelemetry SDK's own variables, so Berth is pointed at a collector
/// the way any instrumented program is: `OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318`
/// (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` with the full `/v1/traces` URL). Without one of them
/// no tracer exists at all. The decision is a pure function of the environment so the server, the
/// router and the replica decide alike, and so Kubernetes manifests can carry the same variables.
public enum TraceExportEnvironment {
    /// The variables of which one must be set (not empty) for traces to be exported.
    public static let endpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]

    /// The prefix of every variable passed on to replicas and router Pods.
    public static let prefix = "OTEL_"

    /// Whether `environment` asks for traces to be exported: an endpoint is set, and neither
    /// `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none` turns them off.
    public static func exportsTraces(_ environment: [String: String]) -> Bool {
        guard endpointVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) else { return false }
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if environment["OTEL_TRACES_EXPORTER"]?.lowercased() == "none" { return false }
        return true
    }

    /// The `OTEL_*` variables of `environment` when it exports traces, else none: what a replica
    /// or router Pod started by this process gets, so its spans reach the same collector.
    public static func passedOn(from environment: [String: String]) -> [String: String] {
        guard exportsTraces(environment) else { return [:] }
        return environment.filter { $0.key.hasPrefix(prefix) }
    }
}
