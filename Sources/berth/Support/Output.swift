import BerthCore
import Foundation

/// Prints results as a table (for people), or as JSON or TSV (stable, for scripts).
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let data = try BerthJSON.encode(value, pretty: true)
        print(String(decoding: data, as: UTF8.self))
    }

    /// The result as `-o json` or `-o tsv` asks (`OutputFormat.isStructured`).
    static func structured<T: Encodable>(_ format: OutputFormat, _ value: T) throws {
        guard format == .tsv else { return try json(value) }
        let document = try JSONValue(parsing: try BerthJSON.encode(value, pretty: false))
        print(document.tsv, terminator: "")
    }

    /// A plain-text table with a header row; columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(header))
        rows.forEach { print(line($0)) }
        if rows.isEmpty { print("(none)") }
    }

    /// `key: value` lines for one resource.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (key, value) in pairs {
            print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    static func date(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}
