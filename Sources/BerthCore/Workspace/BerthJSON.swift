import Foundation

/// The JSON coding every Berth component uses for API bodies and stored resources: ISO-8601
/// dates with milliseconds (events and operations a second apart must keep their order), sorted
/// keys (stable output for scripts and diffs).
public enum BerthJSON {
    private static let withMilliseconds = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSeconds = Date.ISO8601FormatStyle()

    /// A new encoder with Berth's settings (encoders are not `Sendable`; make one per use).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(text(of: date))
        }
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return encoder
    }

    /// A date as Berth writes it, e.g. `2026-11-26T01:59:12.123Z`: rounded to the millisecond, so
    /// a date read back and written again gives the same text. (The formatter truncates, and a
    /// date read from `.123` is a binary fraction just under it: it would come back as `.122`.)
    public static func text(of date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = (milliseconds / 1000).rounded(.down)
        let whole = Date(timeIntervalSince1970: seconds).formatted(wholeSeconds)
        let fraction = String(Int(milliseconds - seconds * 1000) + 1000).dropFirst()
        return whole.hasSuffix("Z") ? whole.dropLast() + "." + fraction + "Z" : whole
    }

    /// A new decoder with Berth's settings; it reads dates with or without fractional seconds
    /// (workspaces written before dates carried milliseconds).
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? withMilliseconds.parse(text) { return date }
            if let date = try? wholeSeconds.parse(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO-8601 date such as 2026-01-31T12:00:00Z.")
        }
        return decoder
    }

    /// Encodes a value with Berth's settings.
    public static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        try encoder(pretty: pretty).encode(value)
    }

    /// Decodes a value, turning decoding failures into a `BerthError` that names the body's problem.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String = "request body") throws -> T {
        do {
            return try decoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw BerthError.badRequest("The \(what) is not valid: \(describe(error))")
        }
    }

    /// A one-line description of a decoding error naming the field.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let names = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "the top level" : "'" + names.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context))"
            return "the field '\(key.stringValue)' is missing\(parent)."
        case .typeMismatch(let type, let context):
            return "\(path(context)) must be of type \(type)."
        case .valueNotFound(let type, let context):
            return "\(path(context)) must be a \(type), not null."
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
