/// Reads the members of one JSON object of a config file with type checks, remembering which keys
/// it was asked for so that `finish()` can warn about every key nobody read.
///
/// A member that is absent or `null` reads as `nil`: Azure's service treats `null` as "use the
/// default". A member of the wrong type records an error naming the field path and the value, and
/// also reads as `nil`, so reading goes on and all problems are reported together.
final class ConfigObjectReader {
    /// The object's path in the file ("" for the top level, "autoScaler" for a nested one).
    let path: String
    let members: [String: JSONValue]
    let diagnostics: ConfigDiagnostics
    private var readKeys: Set<String> = []

    init(path: String, members: [String: JSONValue], diagnostics: ConfigDiagnostics) {
        self.path = path
        self.members = members
        self.diagnostics = diagnostics
    }

    /// The field path of `key` as the user wrote it, e.g. `autoScaler.minReplicas`.
    func fieldPath(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    /// Whether the file has `key` with a non-null value.
    func contains(_ key: String) -> Bool {
        if let value = members[key], !value.isNull { return true }
        return false
    }

    /// The raw value of `key`, or `nil` when absent or `null`.
    func value(_ key: String) -> JSONValue? {
        readKeys.insert(key)
        guard let value = members[key], !value.isNull else { return nil }
        return value
    }

    func double(_ key: String) -> Double? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else {
            return typeError(key, "must be a number", value)
        }
        return number
    }

    /// A whole number; `1.0` is accepted as 1, `1.5` is an error.
    func int(_ key: String) -> Int? {
        guard let number = double(key) else { return nil }
        guard number == number.rounded(), abs(number) < 1e15 else {
            diagnostics.error("\(fieldPath(key)) must be a whole number, got \(JSONValue.format(number)).")
            return nil
        }
        return Int(number)
    }

    func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            return typeError(key, "must be true or false", value)
        }
        return flag
    }

    func string(_ key: String) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            return typeError(key, "must be a string", value)
        }
        return text
    }

    /// An object of string values (tags, properties), or `nil` when absent or `null`. A value that
    /// is not a string, or an empty key, records an error naming `key.member`.
    func stringMap(_ key: String) -> [String: String]? {
        guard let nested = object(key) else { return nil }
        var result: [String: String] = [:]
        for member in nested.members.keys.sorted() {
            if member.isEmpty {
                diagnostics.error("\(fieldPath(key)) has an empty key; every entry needs a name.")
            } else if let text = nested.string(member) {
                result[member] = text
            }
        }
        return result
    }

    /// A reader for the nested object `key`, or `nil` when absent, `null` or not an object.
    func object(_ key: String) -> ConfigObjectReader? {
        guard let value = value(key) else { return nil }
        guard case .object(let nested) = value else {
            return typeError(key, "must be an object", value)
        }
        return ConfigObjectReader(path: fieldPath(key), members: nested, diagnostics: diagnostics)
    }

    /// Reads a field that has two accepted spellings (e.g. `cpuLimit` and `cpu_limit`); giving both
    /// with different values is an error, since Berth cannot tell which one the user meant.
    func either<T: Equatable>(_ key: String, _ alias: String, _ read: (String) -> T?) -> T? {
        let first = read(key)
        let second = read(alias)
        if let first, let second, first != second {
            diagnostics.error(
                "\(fieldPath(key)) and \(fieldPath(alias)) are two spellings of the same setting but have "
                    + "different values; keep only one."
            )
        }
        return first ?? second
    }

    /// Marks `key` as known but ignored, with a warning saying why, if the file has it.
    func ignore(_ key: String, because reason: String) {
        readKeys.insert(key)
        guard contains(key) else { return }
        diagnostics.warning("field '\(fieldPath(key))' is ignored: \(reason).")
    }

    /// Warns about every member that was never read; a key that differs from a known one only in
    /// case, '_' or '-' (e.g. `memoryInGb`, `gpu_cores`) gets a "did you mean" suggestion.
    func finish(hints: [String: String] = [:]) {
        let known = Dictionary(readKeys.map { (Self.normalized($0), $0) }, uniquingKeysWith: { first, _ in first })
        for key in members.keys.sorted() where !readKeys.contains(key) {
            var message = "unknown field '\(fieldPath(key))' is ignored"
            if let hint = hints[key] {
                message += "; \(hint)"
            } else if let suggestion = known[Self.normalized(key)] {
                message += "; did you mean '\(suggestion)'?"
            }
            diagnostics.warning(message.hasSuffix("?") ? message : message + ".")
        }
    }

    private func typeError<T>(_ key: String, _ expectation: String, _ value: JSONValue) -> T? {
        diagnostics.error("\(fieldPath(key)) \(expectation), got \(value.messageDescription).")
        return nil
    }

    private static func normalized(_ key: String) -> String {
        key.lowercased().filter { $0 != "_" && $0 != "-" }
    }
}
