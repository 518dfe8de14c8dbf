import BerthCore
import Foundation
import Subprocess
import SystemPackage

/// Runs one build command (`python3 -m venv`, `pip install`, `tar`) to completion with
/// swift-subprocess, which waits for the exit and reads the output without holding a thread of
/// Swift's cooperative pool (a pidfd and epoll on Linux).
///
/// Standard output and error share one pipe (`combinedWithOutput`), so the log keeps their
/// interleaving; every line goes to the log file and to `onLine`, and the last `tailLength` lines
/// are kept for errors. Cancelling the task stops the process: SIGTERM, then SIGKILL after
/// `stopGrace`.
///
/// swift-subprocess adds about 11 s to a clean debug build here (its `Subprocess` and
/// `_SubprocessCShims` modules; `SystemPackage` is built for NIO already), and it is kept to
/// this module. The replica's workers keep Foundation's `Process` with NIO pipe channels, and
/// the local backend's replicas keep it too: both need their output in files or NIO channels
/// beyond one call, which its scoped `run { execution in … }` does not fit.
enum ChildProcess {
    /// How a command ended.
    struct Outcome: Sendable {
        var termination: ProcessTermination
        var tail: [String]
        var isSuccess: Bool { termination.isSuccess }
    }

    static let tailLength = 25

    /// How long a cancelled command has between SIGTERM and SIGKILL.
    static let stopGrace: Duration = .seconds(5)

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        logFile: URL?, onLine: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        try Task.checkCancellation()
        let log = try logFile.map(openForAppending)
        defer { try? log?.close() }
        log?.write(Data("$ \(([executable] + arguments).joined(separator: " "))\n".utf8))
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: stopGrace)]
        var variables: [Environment.Key: String] = [:]
        for (name, value) in environment {
            if let key = Environment.Key(rawValue: name) { variables[key] = value }
        }
        let configuration = Configuration(
            executable: .path(.init(executable)), arguments: Arguments(arguments),
            environment: .custom(variables), platformOptions: options)
        do {
            let result = try await Subprocess.run(
                configuration, input: .none, output: .sequence, error: .combinedWithOutput
            ) { execution in
                // A task cancelled while the process was being spawned stops it here: throwing
                // from the body runs the teardown sequence.
                try Task.checkCancellation()
                var lines = LineCollector(onLine: onLine)
                for try await buffer in execution.standardOutput {
                    let chunk = buffer.withUnsafeBytes { Data($0) }
                    log?.write(chunk)
                    lines.append(chunk)
                }
                return lines.finish()
            }
            return Outcome(termination: ProcessTermination(result.terminationStatus), tail: result.closureResult)
        } catch let error as SubprocessError {
            throw BerthError(.internalError, "Cannot run '\(executable)': \(error).")
        }
    }

    /// Opens (creating) a log file positioned at its end.
    static func openForAppending(_ url: URL) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return handle
    }
}

/// Splits output into lines at `\n` (a `\r` of a progress bar stays in its line, as in the log),
/// passes each on and keeps the last `ChildProcess.tailLength`.
private struct LineCollector {
    let onLine: @Sendable (String) -> Void
    private var buffer = Data()
    private var tail: [String] = []

    init(onLine: @escaping @Sendable (String) -> Void) { self.onLine = onLine }

    mutating func append(_ chunk: Data) {
        buffer.append(chunk)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            emit(buffer[buffer.startIndex..<newline])
            buffer.removeSubrange(buffer.startIndex...newline)
        }
    }

    /// The last lines, once the output has ended (a last line without `\n` included).
    mutating func finish() -> [String] {
        if !buffer.isEmpty { emit(buffer) }
        buffer = Data()
        return tail
    }

    private mutating func emit(_ bytes: Data) {
        let line = String(decoding: bytes, as: UTF8.self)
        onLine(line)
        tail.append(line)
        if tail.count > ChildProcess.tailLength { tail.removeFirst(tail.count - ChildProcess.tailLength) }
    }
}

extension ProcessTermination {
    /// How a command run with swift-subprocess ended.
    init(_ status: TerminationStatus) {
        switch status {
        case .exited(let code): self = .exited(code)
        case .signaled(let signal): self = .killed(by: signal)
        }
    }
}
