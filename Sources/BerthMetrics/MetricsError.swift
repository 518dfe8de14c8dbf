/// What can go wrong reading metrics: a code that is safe as a label and a message for people.
public struct MetricsError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable, bounded error codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case malformedExposition }
        private let base: Base

        /// Text that is not in the Prometheus text format.
        public static let malformedExposition = Self(base: .malformedExposition)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
