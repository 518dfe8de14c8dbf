import BerthCore
import Foundation

/// Runs the built `berth` binary as a user would and captures what it printed.
package enum BerthCLI {
    /// The outcome of one CLI run.
    package struct Result: Sendable, CustomStringConvertible {
        package var arguments: [String]
        package var exit: ChildProcess.Exit
        package var stdout: String
        package var stderr: String

        /// The exit status (the signal number when the CLI was killed).
        package var exitCode: Int32 { exit.code }
        /// Whether the CLI exited with status 0.
        package var succeeded: Bool { exit.isSuccess }

        package var description: String {
            "berth \(arguments.joined(separator: " ")) → \(exit)\nstdout:\n\(stdout)\nstderr:\n\(stderr)"
        }

        /// Decodes standard output as JSON (for `-o json` runs).
        package func json<T: Decodable>(_ type: T.Type) throws -> T {
            try BerthJSON.decode(
                type,
                from: Data(stdout.utf8),
                what: "output of berth \(arguments.joined(separator: " "))"
            )
        }
    }

    /// Runs `berth <arguments> --home <home>`, killing it if it takes longer than `timeout`.
    ///
    /// `--home` goes last because every client verb takes it as its own option.
    package static func run(
        _ arguments: [String],
        home: URL,
        timeout: Duration = .seconds(60)
    ) async throws -> Result {
        try await run(arguments + ["--home", home.path], timeout: timeout)
    }

    /// Runs `berth <arguments>` as given.
    package static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> Result {
        let folder = try TemporaryDirectory("berth-cli")
        defer { folder.remove() }
        let process = try ChildProcess(
            executable: TestPaths.berthExecutable,
            arguments: arguments,
            stdoutFile: folder.appending("stdout"),
            stderrFile: folder.appending("stderr")
        )
        guard let exit = await process.waitForExit(timeout: timeout) else {
            await process.kill9()
            throw TestProcessError(
                "berth \(arguments.joined(separator: " ")) did not finish within \(timeout).\n\(process.stderr)"
            )
        }
        return Result(arguments: arguments, exit: exit, stdout: process.stdout, stderr: process.stderr)
    }
}
