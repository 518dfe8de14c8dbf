import BerthCore
import BerthTracing
import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Trace export over OTLP/HTTP (swift-otel), for one Berth process: the tracer its router or
/// replica makes spans with, and the service that batches and uploads them.
///
/// Only traces: logs stay with Berth's own `LoggingSystem` handlers and metrics with its
/// Prometheus registry (`BerthMetrics`), so swift-otel's `bootstrap`, which would take over all
/// three global systems, is not called; `OTel.makeTracingBackend` builds the same tracing
/// pipeline without touching them, and no global `InstrumentationSystem` is bootstrapped either
/// (`BerthTracer` says why).
///
/// Run `service` in the process's `ServiceGroup`, **first** in its list: a group stops its services
/// in reverse order, so the router or replica drains before the exporter flushes the last spans.
///
/// ```swift
/// let export = try TraceExport.fromEnvironment(serviceName: "berth-router", logger: logger)
/// configuration.tracer = export?.tracer
/// let services = (export.map { [$0.service] } ?? []) + [router]
/// ```
public struct TraceExport: Sendable {
    /// The tracer spans start from.
    public let tracer: BerthTracer
    /// The batch processor and OTLP/HTTP exporter; on graceful shutdown it exports what it holds.
    public let service: any Service

    /// The trace export `environment` asks for (`TraceExportEnvironment.exportsTraces`), or nil
    /// when it asks for none: then the process makes no tracer and its requests no spans.
    ///
    /// The rest of the configuration comes from the OpenTelemetry variables as swift-otel reads
    /// them from the process's environment: `OTEL_SERVICE_NAME` (default `serviceName`),
    /// `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`,
    /// `OTEL_TRACES_SAMPLER`, `OTEL_PROPAGATORS` and the others of the specification.
    ///
    /// - Throws: `BerthError.invalidConfiguration` when the variables describe an exporter this
    ///   build cannot make (OTLP/gRPC, which is not built in).
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, serviceName: String, logger: Logger
    ) throws -> TraceExport? {
        guard TraceExportEnvironment.exportsTraces(environment) else { return nil }
        if environment["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", default: environment["OTEL_EXPORTER_OTLP_PROTOCOL"] ?? ""]
            .lowercased() == "grpc"
        {
            throw BerthError.invalidConfiguration(
                "OTEL_EXPORTER_OTLP_PROTOCOL is 'grpc', but Berth exports traces over OTLP/HTTP only. Unset it or "
                    + "set it to 'http/protobuf', and point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's HTTP "
                    + "port (4318).")
        }
        let export = try make(serviceName: serviceName, logger: logger)
        logger.info(
            "Exporting traces over OTLP/HTTP",
            metadata: [
                "otel.endpoint":
                    "\(environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? "")"
            ])
        return export
    }

    /// Trace export to the OTLP/HTTP endpoint the process's environment names (default
    /// `http://localhost:4318`), whatever `TraceExportEnvironment` says: tests call it directly.
    public static func make(serviceName: String, logger: Logger) throws -> TraceExport {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        configuration.diagnosticLogger = .custom(logger)
        do {
            let backend = try OTel.makeTracingBackend(configuration: configuration)
            return TraceExport(tracer: BerthTracer(backend.factory), service: backend.service)
        } catch {
            throw BerthError.invalidConfiguration(
                "The OTEL_* environment does not describe a trace exporter Berth can run: \(error). "
                    + "See README 'Traces' for the variables it reads.")
        }
    }
}
