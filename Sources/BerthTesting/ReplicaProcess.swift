import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `berth replica` process for a test: started with its flags, its port read from the line
/// it prints, its log (stderr) kept in a file, and stopped by `stop()` or `kill()`.
package final class ReplicaProcess: Sendable {
    /// The port the replica printed.
    package let port: Int
    private let process: Process
    private let folder: URL

    /// `http://127.0.0.1:<port>`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The replica's process id.
    package var pid: Int32 { process.processIdentifier }

    /// Everything the replica wrote to stderr so far: its own log and its workers' output.
    package var log: String {
        (try? String(contentsOf: folder.appendingPathComponent("stderr.log"), encoding: .utf8)) ?? ""
    }

    private init(port: Int, process: Process, folder: URL) {
        self.port = port
        self.process = process
        self.folder = folder
    }

    /// Starts `berth replica <arguments>` (with `--port 0` added) and waits for its port line.
    ///
    /// - Parameters:
    ///   - environment: added to this process's environment (for example `SLEEP_MS`).
    ///   - waitUntilReady: when true, also waits until `GET /ready` answers 200.
    package static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        waitUntilReady: Bool = true,
        timeout: Duration = .seconds(60)
    ) async throws -> ReplicaProcess {
        let folder = try TestPaths.makeTemporaryDirectory("berth-replica")
        let stdoutURL = folder.appendingPathComponent("stdout.log")
        let stderrURL = folder.appendingPathComponent("stderr.log")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let process = Process()
        process.executableURL = TestPaths.berthExecutable
        process.arguments = ["replica", "--port", "0"] + arguments
        var merged = ProcessInfo.processInfo.environment
        merged["BERTH_PYTHONPATH"] = TestPaths.pythonPackages.path
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()

        let deadline = ContinuousClock.now + timeout
        var port: Int?
        while port == nil {
            let output = (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Listening on http://") }),
                let value = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                port = value
                break
            }
            if !process.isRunning || ContinuousClock.now > deadline {
                if process.isRunning { process.terminate() }
                let log = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
                throw TestProcessError("berth replica did not print its port (exit: \(process.isRunning ? "running" : "\(process.terminationStatus)")). Log:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let replica = ReplicaProcess(port: port!, process: process, folder: folder)
        if waitUntilReady {
            try await replica.waitUntil(timeout: deadline - ContinuousClock.now) {
                try await TestHTTP.get("\(replica.baseURL)/ready").status == 200
            }
        }
        return replica
    }

    /// Polls `condition` every 20 ms until it holds, or fails with the replica's log.
    package func waitUntil(
        timeout: Duration = .seconds(30),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if (try? await condition()) == true { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestProcessError("Condition not met within \(timeout). Replica log:\n\(log)")
    }

    /// SIGTERM, then waits up to `grace` for the exit (SIGKILL after); returns the exit status.
    @discardableResult
    package func stop(grace: Duration = .seconds(15)) async -> Int32 {
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + grace
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
        return process.terminationStatus
    }

    /// Whether the replica process still runs.
    package var isRunning: Bool { process.isRunning }
}

/// A test harness failure, with what the process printed.
package struct TestProcessError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}
