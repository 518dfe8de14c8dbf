import Foundation

/// Collects every error and warning found while one config file is read, each prefixed with the
/// file's name, so a user sees all problems at once (Azure joins its validation errors too).
final class ConfigDiagnostics {
    let fileName: String
    private(set) var errors: [String] = []
    private(set) var warnings: [String] = []

    init(fileName: String) {
        self.fileName = fileName
    }

    func error(_ message: String) {
        errors.append("\(fileName): \(message)")
    }

    func warning(_ message: String) {
        warnings.append("\(fileName): \(message)")
    }

    /// Throws `BerthError.invalidConfiguration` with all errors, one per line, if there are any.
    func throwIfErrors() throws(BerthError) {
        guard !errors.isEmpty else { return }
        throw BerthError.invalidConfiguration(errors.joined(separator: "\n"))
    }

    /// Parses `data` as a JSON object, or throws at once with Azure's CLI message for a file that
    /// cannot be parsed (`flag` is the CLI option, e.g. `--deploy-config-file`) plus where it broke.
    func parseRootObject(_ data: Data, flag: String) throws(BerthError) -> [String: JSONValue] {
        let root: JSONValue
        do {
            root = try JSONValue(parsing: data)
        } catch {
            throw BerthError.invalidConfiguration(
                "Error parsing \(flag). Must be valid JSON: \(fileName) is not valid JSON (\(error))."
            )
        }
        guard case .object(let members) = root else {
            throw BerthError.invalidConfiguration(
                "Error parsing \(flag). Must be valid JSON: \(fileName) must hold a JSON object "
                    + "({ ... }), but it holds \(root.typeDescription)."
            )
        }
        return members
    }
}
