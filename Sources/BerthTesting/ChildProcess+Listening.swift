import Foundation

extension ChildProcess {
    /// What a `berth router` or `berth replica` child printed after `Listening on ` on standard
    /// output (`http://127.0.0.1:PORT`, `https://…`, `unix:PATH`), once it did.
    ///
    /// - Throws: `TestProcessError` with the child's log when it exits first or `timeout` passes.
    package func listeningAddress(within timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("Listening on ") }) {
                return String(line.dropFirst("Listening on ".count))
            }
            if let exit { throw TestProcessError("The child exited (\(exit)) before it listened.\n\(stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestProcessError("The child did not listen within \(timeout).\n\(stderr)")
    }
}
