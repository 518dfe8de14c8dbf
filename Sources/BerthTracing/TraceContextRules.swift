/// The W3C Trace Context (level 1) rules a `traceparent` and a `tracestate` must meet before a
/// hop continues the trace they describe.
///
/// Checked before the tracer sees the fields: a receiver ignores a malformed `traceparent` and
/// starts a new trace, and drops a malformed `tracestate` but keeps the `traceparent` (W3C Trace
/// Context §3.3.1, §3.5). The tracer itself would throw the pair away together and log a warning
/// per request, which any client could fill the log with.
public enum TraceContextRules {
    /// Whether `value` is a version-00 `traceparent`: `00-<32 hex>-<16 hex>-<2 hex>`, lowercase,
    /// neither id all zeros. Other versions start a new trace (the tracer reads version 00 only).
    public static func isValidTraceparent(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 55, bytes[0] == zero, bytes[1] == zero,
            bytes[2] == dash, bytes[35] == dash, bytes[52] == dash
        else { return false }
        let traceID = bytes[3..<35]
        let parentID = bytes[36..<52]
        let flags = bytes[53..<55]
        return traceID.allSatisfy(isLowerHex) && parentID.allSatisfy(isLowerHex) && flags.allSatisfy(isLowerHex)
            && traceID.contains { $0 != zero } && parentID.contains { $0 != zero }
    }

    /// Whether `value` is a `tracestate` list: at most 32 `key=value` members separated by commas
    /// (optional spaces around them, empty members allowed), keys of lowercase letters, digits and
    /// `_-*/@` starting with a letter or digit, values of printable ASCII but `,` and `=`.
    public static func isValidTracestate(_ value: String) -> Bool {
        var members = 0
        for member in value.utf8.split(separator: comma, omittingEmptySubsequences: false) {
            let trimmed = member.drop(while: isSpace).reversed().drop(while: isSpace).reversed()
            if trimmed.isEmpty { continue }
            members += 1
            guard members <= 32, let equals = trimmed.firstIndex(of: equalsSign) else { return false }
            let key = trimmed[..<equals]
            let pairValue = trimmed[trimmed.index(after: equals)...]
            guard let first = key.first, isLowerAlpha(first) || isDigit(first), key.count <= 256,
                key.allSatisfy({ isLowerAlpha($0) || isDigit($0) || keySymbols.contains($0) }),
                !pairValue.isEmpty, pairValue.count <= 256,
                pairValue.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E && $0 != comma && $0 != equalsSign })
            else { return false }
        }
        return true
    }

    private static let zero = UInt8(ascii: "0")
    private static let dash = UInt8(ascii: "-")
    private static let comma = UInt8(ascii: ",")
    private static let equalsSign = UInt8(ascii: "=")
    private static let keySymbols: [UInt8] = Array("_-*/@".utf8)

    private static func isLowerHex(_ byte: UInt8) -> Bool { isDigit(byte) || (byte >= 0x61 && byte <= 0x66) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLowerAlpha(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
