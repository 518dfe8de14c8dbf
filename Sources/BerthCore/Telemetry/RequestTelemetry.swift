import Foundation

/// One scoring request as Application Insights records it: a line of a service's request
/// telemetry, written when its deployment config has `appInsightsEnabled: true`.
///
/// The fields are the columns of Application Insights' `requests` table, under their names there,
/// so a query written for Azure reads the same fields: `timestamp` (when the request arrived, UTC),
/// `id` (the `x-ms-request-id` the client got), `name` (`POST /api/v1/service/<name>/score`),
/// `duration`, `resultCode`, `success` and `customDimensions`.
///
/// `duration` is a number of milliseconds, as the `requests` table holds it (a `real`), not the
/// `d.hh:mm:ss.fffffff` text of the ingestion wire format (`RequestData.duration`): readers sort,
/// filter and sum it without parsing. `resultCode` is text, as in the table.
///
/// ```swift
/// let line = RequestTelemetry(…).jsonLine()  // {"customDimensions":{…},"duration":12.5,…}\n
/// ```
public struct RequestTelemetry: Codable, Sendable, Hashable {
    /// When the request reached the replica (UTC, ISO-8601 with milliseconds).
    public var timestamp: Date
    /// The request's `x-ms-request-id`, as the client received it.
    public var id: String
    /// `METHOD /api/v1/service/<service>/score`, or `…/endpoint/<endpoint>/score` for a version.
    public var name: String
    /// Milliseconds from the request's arrival at the replica to its answer.
    public var duration: Double
    /// The HTTP status the client received, as text (`"200"`, `"502"`).
    public var resultCode: String
    /// Whether the request succeeded: a status below 400.
    public var success: Bool
    /// Where it ran and, for a failure, why (`Dimension` names the keys); all values are text,
    /// as Application Insights' custom dimensions are.
    public var customDimensions: [String: String]

    /// The keys of `customDimensions` Berth writes.
    public enum Dimension {
        /// The deployment that served the request (a service, or an endpoint version's deployment).
        public static let service = "service"
        /// The endpoint, when the deployment is one of its versions.
        public static let endpoint = "endpoint"
        /// The endpoint version, when the deployment is one.
        public static let endpointVersion = "endpointVersion"
        /// The replica that answered (`BERTH_REPLICA_ID`).
        public static let replica = "replica"
        /// The models the deployment runs, `name:version` joined with `,`.
        public static let models = "models"
        /// The client's `x-ms-client-request-id`, when it sent one.
        public static let clientRequestID = "clientRequestId"
        /// `run()` took this many milliseconds, as the worker timed it (`x-ms-run-fn-exec-ms`).
        public static let runMilliseconds = "runMs"
        /// For a failed scoring call: the text of the exception `run()` raised (as Azure's scoring
        /// server answers it), or why the call did not finish (timeout, worker exit).
        public static let exception = "exception"
    }

    /// The longest exception text kept, in UTF-8 bytes; a longer one is cut and marked.
    public static let maxExceptionBytes = 8192

    public init(
        timestamp: Date, id: String, name: String, duration: Double, resultCode: Int,
        customDimensions: [String: String]
    ) {
        self.timestamp = timestamp
        self.id = id
        self.name = name
        self.duration = duration
        self.resultCode = String(resultCode)
        self.success = resultCode < 400
        self.customDimensions = customDimensions
    }

    /// A record read back from one line, nil for a line that is not one (a torn last line).
    public static func parse(line: some DataProtocol) -> RequestTelemetry? {
        try? BerthJSON.decoder().decode(RequestTelemetry.self, from: Data(line))
    }

    /// `text` cut to `maxExceptionBytes` on a character boundary, with `… (cut)` when cut.
    public static func exceptionText(_ text: String) -> String {
        guard text.utf8.count > maxExceptionBytes else { return text }
        // A cut inside a character decodes to U+FFFD at the end, which is dropped.
        var kept = String(decoding: text.utf8.prefix(maxExceptionBytes - 10), as: UTF8.self)
        while kept.last == "\u{FFFD}" { kept.removeLast() }
        return kept + "… (cut)"
    }
}
