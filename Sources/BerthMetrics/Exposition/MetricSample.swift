/// One sample line of the Prometheus text format: `name{label="value",…} value`.
public struct MetricSample: Sendable, Equatable {
    public var name: String
    /// The labels in their order in the line.
    public var labels: [Label]
    public var value: Double

    /// One `name="value"` pair.
    public struct Label: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, labels: [Label] = [], value: Double) {
        self.name = name
        self.labels = labels
        self.value = value
    }

    /// The labels as a dictionary (a label given twice: the last).
    public var labelSet: [String: String] {
        Dictionary(labels.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The value of label `name`, if the sample has it.
    public func label(_ name: String) -> String? {
        labels.last { $0.name == name }?.value
    }

    /// Reads one sample line; nil when it is not one.
    init?(line: Substring) {
        var rest = line.drop { $0 == " " || $0 == "\t" }
        let nameEnd = rest.firstIndex { $0 == "{" || $0 == " " || $0 == "\t" } ?? rest.endIndex
        guard nameEnd > rest.startIndex else { return nil }
        name = String(rest[..<nameEnd])
        rest = rest[nameEnd...]
        labels = []
        if rest.first == "{" {
            rest = rest.dropFirst()
            while true {
                rest = rest.drop { $0 == " " || $0 == "," }
                if rest.first == "}" {
                    rest = rest.dropFirst()
                    break
                }
                guard let equals = rest.firstIndex(of: "=") else { return nil }
                let labelName = rest[..<equals].filter { $0 != " " }
                rest = rest[rest.index(after: equals)...].drop { $0 == " " }
                guard rest.first == "\"", !labelName.isEmpty else { return nil }
                rest = rest.dropFirst()
                var value = ""
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\"" {
                        closed = true
                        break
                    }
                    if character == "\\", let escaped = rest.first {
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
                labels.append(Label(labelName, value))
            }
        }
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let text = fields.first, fields.count <= 2, let value = Self.number(text) else { return nil }
        self.value = value
    }

    private static func number(_ text: Substring) -> Double? {
        switch text {
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    /// The line this sample is, with `extra` labels added where the sample has no label of that name.
    func line(adding extra: [Label]) -> String {
        var all = labels
        for label in extra where !labels.contains(where: { $0.name == label.name }) { all.append(label) }
        var writer = MetricsTextWriter()
        writer.sample(name, labels: all.map { ($0.name, $0.value) }, value: value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
