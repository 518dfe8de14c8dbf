import BerthCore
public import Foundation
public import OpenAPIRuntime

/// Dates as `BerthJSON` writes and reads them, for the generated client and server: the server
/// writes milliseconds (`2026-11-26T01:59:12.123Z`), which the runtime's default transcoder
/// refuses, and older workspaces whole seconds.
package struct BerthDateTranscoder: DateTranscoder {
    private static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSeconds = Date.ISO8601FormatStyle()

    package init() {}

    package func encode(_ date: Date) throws -> String {
        BerthJSON.text(of: date)
    }

    package func decode(_ text: String) throws -> Date {
        if let date = try? Self.withMilliseconds.parse(text) { return date }
        if let date = try? Self.wholeSeconds.parse(text) { return date }
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "'\(text)' is not an ISO-8601 date such as 2026-01-31T12:00:00Z."))
    }
}

extension Configuration {
    /// The runtime configuration both generated sides use: Berth's dates, and JSON written as
    /// `BerthJSON` writes it (sorted keys, not pretty-printed), so a generated answer reads as the
    /// hand-written ones did.
    package static var berth: Configuration {
        Configuration(dateTranscoder: BerthDateTranscoder(), jsonEncodingOptions: [.sortedKeys])
    }
}
