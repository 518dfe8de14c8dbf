import Foundation

/// Which request telemetry records a reader wants: `berth service get-telemetry`'s
/// `--since`, `--failed` and `--limit`.
public struct RequestTelemetryQuery: Sendable, Hashable {
    /// Only records with a `timestamp` at or after this; nil: all.
    public var since: Date?
    /// Only failed requests (`success` false).
    public var failedOnly: Bool
    /// At most this many records, the newest; they are returned oldest first.
    public var limit: Int

    /// The largest `limit`.
    public static let maxLimit = 10_000

    public init(since: Date? = nil, failedOnly: Bool = false, limit: Int = 100) {
        self.since = since
        self.failedOnly = failedOnly
        self.limit = limit
    }

    /// Whether `record` passes the filters.
    public func matches(_ record: RequestTelemetry) -> Bool {
        if failedOnly && record.success { return false }
        if let since, record.timestamp < since { return false }
        return true
    }

    /// The time `--since` names: an ISO-8601 timestamp, or a duration back from `now` — a whole
    /// number of up to six digits with `s`, `m`, `h` or `d` (`90s`, `15m`, `2h`, `1d`).
    ///
    /// - Throws: `BerthError.badRequest` naming the parameter and both forms.
    public static func since(parsing text: String, now: Date) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let unit = trimmed.last, let seconds = ["s": 1.0, "m": 60, "h": 3600, "d": 86400][String(unit)],
            trimmed.count <= 7, let count = Int(trimmed.dropLast()), count >= 0
        {
            return now.addingTimeInterval(-Double(count) * seconds)
        }
        if let date = try? BerthJSON.decoder().decode(Date.self, from: Data("\"\(trimmed)\"".utf8)),
            !trimmed.contains("\"")
        {
            return date
        }
        throw BerthError.badRequest(
            "--since (since) '\(text)' is neither a duration such as 90s, 15m, 2h or 1d nor an ISO-8601 time "
                + "such as 2026-01-31T12:00:00Z.")
    }
}
