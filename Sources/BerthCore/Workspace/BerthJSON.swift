import Foundation

/// The JSON coding every Berth component uses for API bodies and stored resources: ISO-8601
/// dates, sorted keys (stable output for scripts and diffs).
public enum BerthJSON {
    /// A new encoder with Berth's settings (encoders are not `Sendable`; make one per use).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys]
        return encoder
    }

    /// A new decoder with Berth's settings.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
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
