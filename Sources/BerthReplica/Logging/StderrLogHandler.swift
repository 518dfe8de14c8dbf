import Logging

/// A swift-log handler that writes `<ISO-8601 UTC> <level> <label>: <message> key=value …` to
/// stderr, one `write(2)` per line.
///
/// `berth replica` bootstraps it so its own events and its workers' output (written by the host
/// as `<timestamp> worker-<id> <line>`) form one time-stamped log on stderr, which the local
/// backend captures per replica.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String

    /// Creates a handler for the logger `label` (shown in each line).
    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var line = "\(logTimestamp()) \(event.level) \(label): \(event.message)"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            line += " \(key)=\(value)"
        }
        writeStderrLine(line)
    }
}
