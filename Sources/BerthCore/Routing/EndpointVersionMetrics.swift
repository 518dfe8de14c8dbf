/// What one router measured for one endpoint version over a recent window: enough to judge a
/// treatment against the control (requests, server errors, latency percentiles), side by side in
/// `berth endpoint show`.
public struct EndpointVersionMetrics: Sendable, Hashable, Codable {
    /// The version name.
    public var version: String
    /// The window the numbers cover, in seconds (the most recent ones).
    public var windowSeconds: Int
    /// Requests answered in the window.
    public var requests: Int
    /// Of those, answers with a 5xx status (the router's own 502/503/504 included).
    public var errors: Int
    /// Latency percentiles in milliseconds, from the router receiving the request to the response
    /// head; nil without requests.
    public var p50Ms: Double?
    public var p95Ms: Double?
    public var p99Ms: Double?

    public init(
        version: String, windowSeconds: Int, requests: Int = 0, errors: Int = 0, p50Ms: Double? = nil,
        p95Ms: Double? = nil, p99Ms: Double? = nil
    ) {
        self.version = version
        self.windowSeconds = windowSeconds
        self.requests = requests
        self.errors = errors
        self.p50Ms = p50Ms
        self.p95Ms = p95Ms
        self.p99Ms = p99Ms
    }
}
