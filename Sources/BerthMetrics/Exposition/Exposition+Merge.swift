extension Exposition {
    /// One scrape of several: each family's `# HELP` and `# TYPE` once (the first source's), then
    /// its samples from every source in order, each with its source's `labels` added where the
    /// sample has no label of that name, so one Prometheus target can stand for many processes.
    ///
    /// - Parameter sources: the scrapes, each with the labels that tell its process apart
    ///   (bounded ones: `service`, `replica`).
    /// - Returns: the merged text in the Prometheus text format.
    public static func merged(_ sources: [(exposition: Exposition, labels: [(String, String)])]) -> String {
        var order: [String] = []
        var known = Set<String>()
        var helps: [String: String] = [:]
        var types: [String: String] = [:]
        var lines: [String: [String]] = [:]
        for (exposition, extra) in sources {
            let added = extra.map { MetricSample.Label($0.0, $0.1) }
            for family in exposition.families where known.insert(family).inserted { order.append(family) }
            for (name, help) in exposition.helps where helps[name] == nil { helps[name] = help }
            for (name, type) in exposition.types where types[name] == nil { types[name] = type }
            for sample in exposition.samples {
                lines[exposition.family(of: sample.name), default: []].append(sample.line(adding: added))
            }
        }
        var text = ""
        for family in order {
            if let help = helps[family] { text += "# HELP \(family) \(help)\n" }
            if let type = types[family] { text += "# TYPE \(family) \(type)\n" }
            for line in lines[family] ?? [] { text += line }
        }
        return text
    }
}
