import BerthCore
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A process started by a test, with its output going to files (never pipes, so a chatty child
/// can never block on a full pipe buffer) and an awaitable exit.
///
/// End-to-end tests use it to run the real `berth` binary; `BerthServer` and `BerthCLI` build on it.
package final class ChildProcess: Sendable {
    /// How a child ended: described as Berth describes its own children's endings.
    package typealias Exit = ProcessTermination

    private struct State {
        var exit: Exit?
        var waiters: [UUID: CheckedContinuation<Exit?, Never>] = [:]
    }

    private let process: Process
    /// Shared with the termination handler, which runs on Foundation's own thread.
    private final class Shared: Sendable {
        let mutex = Mutex(State())
    }

    private let shared = Shared()
    /// Where the child's standard output goes.
    package let stdoutFile: URL
    /// Where the child's standard error goes.
    package let stderrFile: URL
    /// The child's process id.
    package let pid: Int32

    /// Starts `executable` with `arguments`, writing its output to `stdoutFile` and `stderrFile`
    /// (created or truncated).
    ///
    /// - Throws: when the executable cannot be started.
    package init(
        executable: URL,
        arguments: [String],
        environment: [String: String]? = nil,
        stdoutFile: URL,
        stderrFile: URL
    ) throws {
        let manager = FileManager.default
        for file in [stdoutFile, stderrFile] {
            try manager.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            _ = manager.createFile(atPath: file.path, contents: nil)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        self.process = process
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
        let shared = self.shared
        process.terminationHandler = { process in
            let exit = Exit(process)
            let waiters = shared.mutex.withLock { state in
                state.exit = exit
                defer { state.waiters = [:] }
                return state.waiters
            }
            for waiter in waiters.values { waiter.resume(returning: exit) }
        }
        try process.run()
        pid = process.processIdentifier
    }

    /// How the child ended, or nil while it runs.
    package var exit: Exit? {
        shared.mutex.withLock { $0.exit }
    }

    /// Waits until the child has ended.
    ///
    /// Not cancellable: a child must be reaped, so callers kill it first when they cannot wait.
    package func waitForExit() async -> Exit {
        let exit = await withCheckedContinuation { (continuation: CheckedContinuation<Exit?, Never>) in
            let done: Exit? = shared.mutex.withLock { state in
                if let exit = state.exit { return exit }
                state.waiters[UUID()] = continuation
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
        // Only the cancellation path resumes with nil, and these waiters have none.
        return exit!
    }

    /// Waits until the child has ended or `timeout` has passed; nil when it still runs.
    package func waitForExit(timeout: Duration) async -> Exit? {
        await withTaskGroup(of: Exit?.self) { group in
            group.addTask { await self.nextExit() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? self.exit
        }
    }

    /// The exit, or nil when the calling task is cancelled first.
    private func nextExit() async -> Exit? {
        let id = UUID()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Exit?, Never>) in
                let done: Exit?? = shared.mutex.withLock { state in
                    if let exit = state.exit { return .some(exit) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let done { continuation.resume(returning: done) }
            }
        } onCancel: {
            let waiter = shared.mutex.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: nil)
        }
    }

    /// Sends `signal` to the child (no-op when it has ended).
    package func send(_ signal: Int32) {
        guard exit == nil else { return }
        _ = kill(pid, signal)
    }

    /// `SIGKILL`s the child and waits for it to be reaped.
    @discardableResult
    package func kill9() async -> Exit {
        send(SIGKILL)
        return await waitForExit()
    }

    /// `SIGTERM`s the child and waits up to `grace` for it to end, then `SIGKILL`s it.
    @discardableResult
    package func terminate(grace: Duration = .seconds(10)) async -> Exit {
        send(SIGTERM)
        if let exit = await waitForExit(timeout: grace) { return exit }
        return await kill9()
    }

    /// A child still running when its last reference goes (a test that failed before stopping
    /// it) is killed, so no server outlives the test that started it.
    deinit {
        if exit == nil { _ = kill(pid, SIGKILL) }
    }

    /// What the child wrote to standard output so far.
    package var stdout: String {
        (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
    }

    /// What the child wrote to standard error so far.
    package var stderr: String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }
}
