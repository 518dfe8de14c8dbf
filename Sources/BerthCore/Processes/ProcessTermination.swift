import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process of Berth ended (a replica, a Python worker, an environment build step, a
/// process a test started), described the same way wherever it is shown: `exit code 1`,
/// `killed by signal 9 (SIGKILL)`. Replica status, logs and build errors carry this text.
public struct ProcessTermination: Sendable, Hashable, CustomStringConvertible {
    /// The exit status, or the signal number when `isSignal`.
    public var code: Int32
    /// Whether a signal (e.g. `SIGKILL`) ended the process rather than an exit.
    public var isSignal: Bool

    /// An ending with exit status `code`, or by signal `code` when `isSignal`.
    public init(code: Int32, isSignal: Bool) {
        self.code = code
        self.isSignal = isSignal
    }

    /// The process exited with `status`.
    public static func exited(_ status: Int32) -> Self { Self(code: status, isSignal: false) }

    /// Signal `signal` ended the process.
    public static func killed(by signal: Int32) -> Self { Self(code: signal, isSignal: true) }

    /// How `process`, which has ended, ended.
    public init(_ process: Process) {
        self.init(code: process.terminationStatus, isSignal: process.terminationReason == .uncaughtSignal)
    }

    /// Whether the process exited with status 0.
    public var isSuccess: Bool { !isSignal && code == 0 }

    /// `exit code N`, or `killed by signal N (SIGNAME)` (the name left out for a signal it does not know).
    public var description: String {
        guard isSignal else { return "exit code \(code)" }
        return "killed by signal \(code)" + (Self.signalName(code).map { " (\($0))" } ?? "")
    }

    /// The name of `signal` on this platform, e.g. `SIGKILL`, for the signals that end processes.
    public static func signalName(_ signal: Int32) -> String? {
        let names: [(Int32, String)] = [
            (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT"), (SIGILL, "SIGILL"), (SIGTRAP, "SIGTRAP"),
            (SIGABRT, "SIGABRT"), (SIGBUS, "SIGBUS"), (SIGFPE, "SIGFPE"), (SIGKILL, "SIGKILL"), (SIGUSR1, "SIGUSR1"),
            (SIGSEGV, "SIGSEGV"), (SIGUSR2, "SIGUSR2"), (SIGPIPE, "SIGPIPE"), (SIGALRM, "SIGALRM"),
            (SIGTERM, "SIGTERM"), (SIGXCPU, "SIGXCPU"), (SIGXFSZ, "SIGXFSZ"), (SIGSYS, "SIGSYS"),
        ]
        return names.first { $0.0 == signal }?.1
    }
}
