import BerthCore
import Foundation
import Synchronization

/// Runs one build command (`python3 -m venv`, `pip install`) to completion without holding a
/// thread of Swift's cooperative pool: output is read on a Dispatch thread, the exit is reported
/// by `Process.terminationHandler`, and the awaiting task resumes when both have happened.
///
/// Standard output and error share one pipe, so the log keeps their interleaving; every line
/// goes to the log file and to `onLine`, and the last `tailLength` lines are kept for errors.
/// Cancelling the task terminates the process.
enum ChildProcess {
    /// How a command ended.
    struct Outcome: Sendable {
        var status: Int32
        var tail: [String]
        var isSuccess: Bool { status == 0 }
    }

    static let tailLength = 25

    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String],
        logFile: URL?, onLine: @escaping @Sendable (String) -> Void
    ) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        try Task.checkCancellation()
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = pipe.fileHandleForReading
        let log = try logFile.map(openForAppending)
        log?.write(Data("$ \(([executable] + arguments).joined(separator: " "))\n".utf8))
        let join = Join()
        let box = ProcessBox(process: process)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Outcome, any Error>) in
                join.continuation.withLock { $0 = continuation }
                process.terminationHandler = { finished in join.finish(status: finished.terminationStatus) }
                do {
                    try process.run()
                } catch {
                    try? log?.close()
                    join.fail(BerthError(.internalError, "Cannot run '\(executable)': \(error)."))
                    return
                }
                DispatchQueue.global(qos: .utility).async {
                    let tail = readLines(from: output, log: log, onLine: onLine)
                    try? log?.close()
                    join.finish(tail: tail)
                }
            }
        } onCancel: {
            box.terminate()
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

    /// Reads until end of file, splitting into lines; returns the last lines.
    private static func readLines(
        from handle: FileHandle, log: FileHandle?, onLine: @Sendable (String) -> Void
    ) -> [String] {
        var buffer = Data()
        var tail: [String] = []
        func emit(_ bytes: Data) {
            let line = String(decoding: bytes, as: UTF8.self)
            onLine(line)
            tail.append(line)
            if tail.count > tailLength { tail.removeFirst(tail.count - tailLength) }
        }
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            log?.write(chunk)
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                emit(buffer[buffer.startIndex..<newline])
                buffer.removeSubrange(buffer.startIndex...newline)
            }
        }
        if !buffer.isEmpty { emit(buffer) }
        return tail
    }
}

/// Resumes the waiting task once both the exit status and the end of output are known.
private final class Join: Sendable {
    struct State {
        var status: Int32?
        var tail: [String]?
    }

    let continuation = Mutex<CheckedContinuation<ChildProcess.Outcome, any Error>?>(nil)
    private let state = Mutex(State())

    func finish(status: Int32) {
        let outcome = state.withLock { state -> ChildProcess.Outcome? in
            state.status = status
            return state.tail.map { ChildProcess.Outcome(status: status, tail: $0) }
        }
        if let outcome { resume(.success(outcome)) }
    }

    func finish(tail: [String]) {
        let outcome = state.withLock { state -> ChildProcess.Outcome? in
            state.tail = tail
            return state.status.map { ChildProcess.Outcome(status: $0, tail: tail) }
        }
        if let outcome { resume(.success(outcome)) }
    }

    func fail(_ error: any Error) { resume(.failure(error)) }

    private func resume(_ result: Result<ChildProcess.Outcome, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

/// Lets the cancellation handler, which may run on any thread, stop the process.
// SAFETY: `Process.terminate()` only sends a signal to the child's pid, which is set once before
// the box can be reached by the cancellation handler; Foundation allows calling it from any thread.
private final class ProcessBox: @unchecked Sendable {
    private let process: Process

    init(process: Process) { self.process = process }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}
