/// A scrape read back: the samples and family metadata of a Prometheus text exposition.
///
/// The control plane reads its replicas' `/metrics` with it to serve them through one target
/// (`merged(_:)`), and tests read every process's `/metrics` with it to assert exact counts.
public struct Exposition: Sendable {
    /// The sample lines, in their order.
    public var samples: [MetricSample] = []
    /// `# TYPE` of each family that declared one.
    public var types: [String: String] = [:]
    /// `# HELP` of each family that declared one (escapes as in the text).
    public var helps: [String: String] = [:]
    /// Family names in the order they first appeared (by metadata or a sample).
    public var families: [String] = []

    public init() {}

    /// Reads text in the Prometheus text format (version 0.0.4). Timestamps are dropped.
    ///
    /// - Throws: `MetricsError.malformedExposition` naming the line that is not a comment, a
    ///   blank line or a sample.
    public init(parsing text: String) throws {
        var seen = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: true)
                guard words.count >= 3, words[1] == "HELP" || words[1] == "TYPE" else { continue }
                let name = String(words[2])
                let rest = words.count > 3 ? String(words[3]) : ""
                if words[1] == "HELP" { helps[name] = rest } else { types[name] = rest }
                if seen.insert(name).inserted { families.append(name) }
                continue
            }
            guard let sample = MetricSample(line: Substring(line)) else {
                throw MetricsError(
                    code: .malformedExposition,
                    message: "Line \(index + 1) of the metrics text is not a sample: '\(line.prefix(200))'.")
            }
            let family = family(of: sample.name)
            if seen.insert(family).inserted { families.append(family) }
            samples.append(sample)
        }
    }

    /// The family a sample belongs to: a histogram's or summary's `_bucket`, `_sum` and `_count`
    /// lines belong to the name its `# TYPE` declared.
    public func family(of sampleName: String) -> String {
        if types[sampleName] != nil { return sampleName }
        for suffix in ["_bucket", "_sum", "_count"] where sampleName.hasSuffix(suffix) {
            let base = String(sampleName.dropLast(suffix.count))
            if let type = types[base], type == "histogram" || type == "summary" { return base }
        }
        return sampleName
    }

    /// The samples named `name` whose labels include every one of `labels`.
    public func samples(_ name: String, matching labels: [String: String] = [:]) -> [MetricSample] {
        samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.label($0.key) == $0.value }
        }
    }

    /// The value of the one sample named `name` with exactly `labels`; nil when there is none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labelSet == labels }?.value
    }

    /// The sum of the samples named `name` whose labels include `labels` (0 when none).
    public func sum(_ name: String, matching labels: [String: String] = [:]) -> Double {
        samples(name, matching: labels).reduce(0) { $0 + $1.value }
    }
}
