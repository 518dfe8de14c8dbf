import Foundation

/// What a replica needs to write request telemetry: who it serves (the dimensions every line
/// carries) and where the lines go. The control plane gives it to a replica of a deployment with
/// `appInsightsEnabled: true`, as JSON in `BERTH_REQUEST_TELEMETRY`; without that variable a
/// replica records nothing and pays nothing.
///
/// It travels in the environment, as the model data collection's settings do, so one value reaches
/// a local replica process and a Pod's container alike with no new flag on the Pod template.
public struct RequestTelemetryContext: Codable, Sendable, Hashable {
    /// The environment variable that carries the context as JSON.
    public static let environmentVariable = "BERTH_REQUEST_TELEMETRY"

    /// The deployment: a service, or an endpoint version's `<endpoint>--<version>`.
    public var service: String
    /// The endpoint, when the deployment is one of its versions.
    public var endpoint: String?
    /// The endpoint version, when the deployment is one.
    public var endpointVersion: String?
    /// The models the deployment runs, as `name:version`.
    public var models: [String]
    /// The folder the replica writes its segments into: `$BERTH_HOME/telemetry/<service>` on
    /// this machine. Nil in a Kubernetes Pod, whose lines must not stay in the Pod: that replica
    /// sends them to the control plane (`ControlPlaneUpload`).
    public var directory: String?

    public init(
        service: String, endpoint: String? = nil, endpointVersion: String? = nil, models: [String],
        directory: String?
    ) {
        self.service = service
        self.endpoint = endpoint
        self.endpointVersion = endpointVersion
        self.models = models
        self.directory = directory
    }

    /// The context of deployment `name` running `models`: an endpoint version's deployment
    /// (`<endpoint>--<version>`, `EndpointVersion.deploymentName`) names its endpoint and version.
    public init(deployment name: String, models: [String], directory: String?) {
        self.init(service: name, models: models, directory: directory)
        if let separator = name.range(of: "--"),
            NameKind.endpoint.isValid(String(name[..<separator.lowerBound])),
            NameKind.endpointVersion.isValid(String(name[separator.upperBound...]))
        {
            endpoint = String(name[..<separator.lowerBound])
            endpointVersion = String(name[separator.upperBound...])
        }
    }

    /// The request name of a scoring call with `method`, as its scoring URI reads.
    public func requestName(method: String) -> String {
        if let endpoint { return "\(method) /api/v1/endpoint/\(endpoint)/score" }
        return "\(method) /api/v1/service/\(service)/score"
    }

    /// The dimensions every line of this deployment carries, before the replica and the request's own.
    public var dimensions: [String: String] {
        var dimensions = [RequestTelemetry.Dimension.service: service]
        if !models.isEmpty { dimensions[RequestTelemetry.Dimension.models] = models.joined(separator: ",") }
        if let endpoint { dimensions[RequestTelemetry.Dimension.endpoint] = endpoint }
        if let endpointVersion { dimensions[RequestTelemetry.Dimension.endpointVersion] = endpointVersion }
        return dimensions
    }

    /// The context in `environment`, nil when absent or unreadable.
    public static func from(environment: [String: String]) -> RequestTelemetryContext? {
        guard let text = environment[environmentVariable], !text.isEmpty else { return nil }
        return try? BerthJSON.decoder().decode(Self.self, from: Data(text.utf8))
    }

    /// The context as the value of `environmentVariable`.
    public var environmentValue: String {
        (try? BerthJSON.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
