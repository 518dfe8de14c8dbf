/// Why a document is not valid JSON, with the 1-based line and column where the parser stopped, so
/// a user can find the mistake in their config file.
public struct JSONSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What the parser expected or found, e.g. "expected ',' or '}' after an object member".
    public var reason: String
    /// 1-based line of the offending character.
    public var line: Int
    /// 1-based column (in bytes) of the offending character.
    public var column: Int

    public init(reason: String, line: Int, column: Int) {
        self.reason = reason
        self.line = line
        self.column = column
    }

    public var description: String { "\(reason) at line \(line), column \(column)" }
}
