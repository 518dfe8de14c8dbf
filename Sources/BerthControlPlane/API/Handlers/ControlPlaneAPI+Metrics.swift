import BerthAPITypes
import BerthMetrics
import HTTPTypes
import OpenAPIRuntime

/// `GET /metrics` and `GET /api/v1/computes/<name>/metrics`: Prometheus scrapes (`MetricsScrapes`).
extension ControlPlaneAPI {
    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(try await scrapes.controlPlaneText()))))
    }

    func getComputeMetrics(_ input: Operations.GetComputeMetrics.Input) async throws
        -> Operations.GetComputeMetrics.Output
    {
        .ok(.init(body: .plainText(HTTPBody(try await scrapes.clusterText(compute: input.path.name)))))
    }
}

/// Says which text format a metrics answer is in (`text/plain; version=0.0.4`): the document's
/// `text/plain` is what the generated server sends, and Prometheus reads the version from the
/// header to pick its parser.
struct PrometheusContentTypeMiddleware: ServerMiddleware {
    static let operations: Set<String> = ["getMetrics", "getComputeMetrics"]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var (response, body) = try await next(request, body, metadata)
        if Self.operations.contains(operationID), response.status == .ok {
            response.headerFields[.contentType] = MetricsRegistry.contentType
        }
        return (response, body)
    }
}
