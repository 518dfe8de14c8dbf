import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth service get-telemetry`: a service's request telemetry (`appInsightsEnabled`), the
/// records Azure would send to Application Insights' requests table, read from this workspace.
struct ServiceTelemetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-telemetry",
        abstract: "Print the service's request telemetry: one record per scoring request (appInsightsEnabled).",
        discussion: """
            Records are written by the replicas of a service whose deploymentconfig.json has \
            "appInsightsEnabled": true (turn it on for a running service with 'berth service update -n NAME \
            --enable-app-insights true'). Each has Application Insights' request fields: timestamp, id (the \
            x-ms-request-id the client got), name, duration (ms), resultCode, success, and customDimensions \
            (service, endpoint version, replica, models and, for a failed run(), its exception). The table \
            shows the newest --limit records matching the filters, oldest first; -o json prints them whole.

            Example: berth service get-telemetry -n myservice --since 15m --failed
            """)

    @Option(name: [.short, .long], help: "The service (or endpoint: all its versions).") var name: String
    @Option(
        name: .long,
        help: "Only records from this time on: a duration back from now (90s, 15m, 2h, 1d) or an ISO-8601 time.")
    var since: String?
    @Flag(name: .long, help: "Only failed requests (success false).") var failed = false
    @Option(name: .long, help: "At most this many records, the newest (1–10000, default 100).") var limit: Int?
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, !(1...RequestTelemetryQuery.maxLimit).contains(limit) {
            throw ValidationError("--limit (\(limit)) must be from 1 to \(RequestTelemetryQuery.maxLimit).")
        }
        if let since {
            do {
                _ = try RequestTelemetryQuery.since(parsing: since, now: Date())
            } catch let error as BerthError {
                throw ValidationError(error.message)
            }
        }
    }

    func run() async throws {
        let page = try await global.client().serviceTelemetry(
            named: name, since: since, failedOnly: failed, limit: limit)
        if global.output.isStructured { return try Output.structured(global.output, page) }
        Output.table(
            ["TIMESTAMP", "ID", "CODE", "MS", "REPLICA", "VERSION", "EXCEPTION"],
            page.requests.map { record in
                let dimensions = record.customDimensions
                let exception = dimensions[RequestTelemetry.Dimension.exception].map(Self.firstLine) ?? ""
                return [
                    BerthJSON.text(of: record.timestamp), record.id, record.resultCode,
                    String(format: "%.1f", record.duration), dimensions[RequestTelemetry.Dimension.replica] ?? "",
                    dimensions[RequestTelemetry.Dimension.endpointVersion] ?? "", exception,
                ]
            })
        if !page.enabled {
            FileHandle.standardError.write(
                Data(
                    "Note: request telemetry is off for '\(name)' now; these records were written while it was on.\n"
                        .utf8))
        }
        if page.dropped > 0 {
            FileHandle.standardError.write(
                Data("Note: the replicas dropped \(page.dropped) record(s) they could not write in time.\n".utf8))
        }
    }

    /// The exception's first line, at most 80 characters, for the table.
    private static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.count > 80 ? String(line.prefix(79)) + "…" : line
    }
}
