import BerthCore
import Foundation

/// Runs a short helper program (training a fixture model, asking a Python something) to its end
/// without blocking a thread of the concurrency pool: tests share two threads on these machines,
/// and a blocked one starves the timers of every other test running beside it.
package enum RunToCompletion {
    /// What the program printed and how it ended.
    package struct Output: Sendable {
        package var exit: ChildProcess.Exit
        package var stdout: String
        package var stderr: String
        /// Whether it exited with status 0.
        package var succeeded: Bool { exit.isSuccess }
    }

    /// Runs `executable arguments…` and waits for it asynchronously.
    package static func run(_ executable: String, _ arguments: [String]) async throws -> Output {
        let folder = try TestPaths.makeTemporaryDirectory("berth-run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let process = try ChildProcess(
            executable: URL(fileURLWithPath: executable), arguments: arguments,
            stdoutFile: folder.appendingPathComponent("stdout"), stderrFile: folder.appendingPathComponent("stderr"))
        let exit = await process.waitForExit()
        return Output(exit: exit, stdout: process.stdout, stderr: process.stderr)
    }
}
