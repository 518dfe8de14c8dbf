import Foundation

extension JSONValue {
    /// A canonical text form: object keys sorted (by UTF-16 code units, as RFC 8785 does), no
    /// whitespace, whole numbers without a fraction. Equal values give equal text, so environments
    /// can be hashed by content whatever order or spacing the user's file had.
    public var canonicalJSON: String {
        var output = ""
        writeCanonical(into: &output)
        return output
    }

    /// `canonicalJSON` as UTF-8 bytes, ready to hash.
    public var canonicalData: Data { Data(canonicalJSON.utf8) }

    private func writeCanonical(into output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .number(let number):
            output += Self.format(number)
        case .string(let text):
            JSONStringLiteral.append(text, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.writeCanonical(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                JSONStringLiteral.append(key, to: &output)
                output += ":"
                members[key]?.writeCanonical(into: &output)
            }
            output += "}"
        }
    }

    /// A number as JSON text: whole numbers within ±2^53 print without a fraction (`5`, not `5.0`),
    /// others in Swift's shortest round-trip form (`0.1`, `1e+20`); NaN and infinities, which JSON
    /// cannot hold, print as `null`.
    static func format(_ number: Double) -> String {
        guard number.isFinite else { return "null" }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            return String(Int64(number))
        }
        return number.description
    }
}
