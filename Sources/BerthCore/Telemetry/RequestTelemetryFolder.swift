import Foundation

/// How a service's request telemetry folder is laid out, shared by the replicas that write it and
/// the control plane that reads it: `$BERTH_HOME/telemetry/<service>/` holds segments named
/// `<opened>-<replica>.jsonl` (`opened` UTC as `yyyyMMdd'T'HHmmssSSS'Z'`, so names sort by age)
/// and one `<replica>.dropped` file per replica that dropped lines, holding the count.
public enum RequestTelemetryFolder {
    /// The folder of `service` under the workspace's `telemetry` folder.
    public static func folder(of service: String, in telemetryRoot: URL) -> URL {
        telemetryRoot.appendingPathComponent(service, isDirectory: true)
    }

    /// The extension of segment files.
    public static let segmentExtension = "jsonl"
    /// The extension of drop-count files.
    public static let dropExtension = "dropped"

    /// The name of a segment of `replica` opened at `opened`.
    public static func segmentName(replica: String, opened: Date) -> String {
        let milliseconds = Int64((opened.timeIntervalSince1970 * 1000).rounded(.down))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second],
            from: Date(timeIntervalSince1970: Double(milliseconds / 1000)))
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02d%03dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, Int(milliseconds % 1000))
        return "\(stamp)-\(safeReplicaName(replica)).\(segmentExtension)"
    }

    /// The drop-count file of `replica`.
    public static func dropFileName(replica: String) -> String {
        "\(safeReplicaName(replica)).\(dropExtension)"
    }

    /// The count a drop-count file holds (0 for none or an unreadable one).
    public static func dropCount(in file: URL) -> Int {
        (try? String(contentsOf: file, encoding: .utf8)).flatMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        } ?? 0
    }

    /// One segment file of a folder, as `segments(in:)` lists it.
    public struct Segment: Sendable {
        public var url: URL
        public var bytes: Int
        public var modified: Date
    }

    /// The folder's segments, oldest opened first (by name); a file removed while listing (another
    /// replica pruning) is left out.
    public static func segments(in folder: URL) -> [Segment] {
        let manager = FileManager.default
        let names = ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix("." + segmentExtension) }.sorted()
        return names.compactMap { name in
            let url = folder.appendingPathComponent(name)
            guard let attributes = try? manager.attributesOfItem(atPath: url.path),
                let modified = attributes[.modificationDate] as? Date
            else { return nil }
            return Segment(url: url, bytes: (attributes[.size] as? NSNumber)?.intValue ?? 0, modified: modified)
        }
    }

    /// `replica` with anything but letters, digits, `-`, `_` and `.` turned into `_`, so it is a
    /// file name; empty becomes `replica`.
    public static func safeReplicaName(_ replica: String) -> String {
        let safe = String(
            replica.unicodeScalars.map { scalar in
                ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar) ? Character(scalar) : "_"
            })
        return safe.isEmpty || safe.hasPrefix(".") ? "replica" + safe : safe
    }
}
