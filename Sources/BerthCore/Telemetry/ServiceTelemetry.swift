/// The answer of `GET /api/v1/services/<name>/telemetry` (`ServiceTelemetry` in the API
/// document): the records asked for and what a reader should know about the rest.
public struct ServiceTelemetry: Codable, Sendable, Hashable {
    /// The service (or endpoint) asked about.
    public var service: String
    /// Whether it records request telemetry now (`appInsightsEnabled`); records written while it
    /// was on are still returned after it is turned off.
    public var enabled: Bool
    /// Records its replicas could not write (queue full, write failed), counted since the folder began.
    public var dropped: Int
    /// The records, oldest first.
    public var requests: [RequestTelemetry]

    public init(service: String, enabled: Bool, dropped: Int, requests: [RequestTelemetry]) {
        self.service = service
        self.enabled = enabled
        self.dropped = dropped
        self.requests = requests
    }
}
