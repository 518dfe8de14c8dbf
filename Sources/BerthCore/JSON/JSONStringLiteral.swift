/// A JSON string literal as Berth writes JSON by hand: `"`, `\` and control characters escaped
/// (`\n`, `\r`, `\t`, `\b`, `\f`, else `\u00XX`), everything else as it is, `/` included. The
/// canonical form of `JSONValue` and the request telemetry lines both write strings this way.
enum JSONStringLiteral {
    /// Appends `text`, quoted and escaped, to `output`; text with nothing to escape is appended
    /// whole (the common case of names and ids).
    static func append(_ text: String, to output: inout String) {
        output += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case "\u{08}": output += "\\b"
                case "\u{0C}": output += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
