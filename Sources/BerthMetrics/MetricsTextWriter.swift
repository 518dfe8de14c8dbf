/// Writes metric families in the Prometheus text exposition format (version 0.0.4): what a
/// `MetricsRegistry` collector adds at scrape time.
public struct MetricsTextWriter: Sendable {
    /// The text so far.
    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// Starts a family: its `# HELP` and `# TYPE` lines.
    ///
    /// - Parameter type: `counter`, `gauge`, `histogram` or `untyped`.
    public mutating func family(_ name: String, type: String, help: String) {
        append("# HELP \(name) ")
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            default: bytes.append(byte)
            }
        }
        append("\n# TYPE \(name) \(type)\n")
    }

    /// One sample line: `name{labels} value`.
    public mutating func sample(_ name: String, labels: [(String, String)] = [], value: Double) {
        append(name)
        if !labels.isEmpty {
            bytes.append(UInt8(ascii: "{"))
            for (index, (label, labelValue)) in labels.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                append(label)
                append("=\"")
                Self.appendEscaped(labelValue, to: &bytes)
                bytes.append(UInt8(ascii: "\""))
            }
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: " "))
        append(Self.format(value))
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Appends text as it is (lines already in the format).
    public mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// A label value escaped as the format requires (`\\`, `\"`, `\n`).
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: "\\\\".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: "\\n".utf8)
            default: bytes.append(byte)
            }
        }
    }

    /// Whole numbers without a fraction (`3`, not `3.0`), others as Swift prints them; `+Inf`,
    /// `-Inf` and `NaN` as the format spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
