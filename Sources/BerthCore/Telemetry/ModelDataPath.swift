import Foundation

/// Where `ModelDataCollector` puts a file, relative to the model data root, as Azure lays it out:
/// `<workspace: 3 parts>/<service>/<model>/<version>/<designation>/<yyyy>/<mm>/<dd>[/<hh>]/<name>.csv`
/// (compat.md §8; `python/berth_worker/_shims/azureml/monitoring`).
///
/// A replica in a Kubernetes Pod sends its files' new rows to the control plane under this path
/// (`ModelDataShipper`), which keeps them under the workspace's `modeldata/` folder
/// (`ShippedModelData`): both sides read the path with this type, and the control plane takes
/// only a path of this shape, under the sending deployment's own service folder.
public struct ModelDataPath: Sendable, Hashable {
    /// The path's parts, from the workspace's first to the file name.
    public let parts: [String]

    /// Reads `path` (`/`-separated, relative) as a collector's file of `service`.
    ///
    /// - Throws: `BerthError.badRequest` saying which part is wrong.
    public init(_ path: String, service: String) throws {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 11 || parts.count == 12 else {
            throw BerthError.badRequest(
                "The model data path '\(path)' is not <workspace: 3 parts>/<service>/<model>/<version>/<designation>/"
                    + "<yyyy>/<mm>/<dd>[/<hh>]/<name>.csv.")
        }
        for part in parts where !Self.isSafe(part) {
            throw BerthError.badRequest(
                "The model data path '\(path)' has the part '\(part)': each part is letters, digits, '.', '-' or '_', "
                    + "not only dots.")
        }
        guard parts[3] == service else {
            throw BerthError.badRequest(
                "The model data path '\(path)' is in the folder of service '\(parts[3])', not of '\(service)': "
                    + "a replica sends only its own service's rows.")
        }
        guard parts[parts.count - 1].hasSuffix(".csv") else {
            throw BerthError.badRequest("The model data path '\(path)' does not name a .csv file.")
        }
        let date = parts[7..<(parts.count - 1)]
        guard date.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }), Self.period(of: Array(date)) != nil else {
            throw BerthError.badRequest("The model data path '\(path)' has no <yyyy>/<mm>/<dd>[/<hh>] date folder.")
        }
        self.parts = parts
    }

    /// The path, `/`-separated.
    public var path: String { parts.joined(separator: "/") }

    /// When the period the file's folder stands for ends (its day, or its hour with
    /// `AML_MODEL_DC_BOUNDARY=hour`), in UTC: after that the collector writes to another file.
    public var periodEnd: Date {
        let date = Array(parts[7..<(parts.count - 1)])
        return Self.period(of: date) ?? .distantFuture
    }

    private static func period(of date: [String]) -> Date? {
        let numbers = date.compactMap { Int($0) }
        guard numbers.count == date.count, numbers.count == 3 || numbers.count == 4 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var components = DateComponents(year: numbers[0], month: numbers[1], day: numbers[2])
        guard (1...12).contains(numbers[1]), (1...31).contains(numbers[2]) else { return nil }
        if numbers.count == 4 {
            guard (0...23).contains(numbers[3]) else { return nil }
            components.hour = numbers[3]
        }
        guard let start = calendar.date(from: components) else { return nil }
        return calendar.date(byAdding: numbers.count == 4 ? .hour : .day, value: 1, to: start)
    }

    private static func isSafe(_ part: String) -> Bool {
        !part.isEmpty && !part.allSatisfy({ $0 == "." }) && part.count <= 255
            && part.unicodeScalars.allSatisfy { scalar in
                ("0"..."9").contains(scalar) || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                    || "-_.".unicodeScalars.contains(scalar)
            }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
