/// A test harness failure, with what the process printed.
package struct TestProcessError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
