/// A config read from a user's file together with the warnings it produced (unknown or misspelled
/// fields, settings Berth ignores). Berth accepts such files, as Azure does, but tells the user what
/// it skipped instead of dropping it silently.
public struct Parsed<Value: Sendable>: Sendable {
    /// The parsed, validated config.
    public var value: Value
    /// One sentence per ignored or suspicious field, each naming the file and the field path.
    public var warnings: [String]

    public init(value: Value, warnings: [String] = []) {
        self.value = value
        self.warnings = warnings
    }
}

extension Parsed: Equatable where Value: Equatable {}
extension Parsed: Hashable where Value: Hashable {}
