import Foundation

/// A real `berth replica` process for a test: started with its flags, its port read from the line
/// it prints, its log (stderr) kept in a file, and stopped by `stop()`.
package final class ReplicaProcess: Sendable {
    /// The port the replica printed.
    package let port: Int
    /// The running process (pid, signals, output files).
    package let process: ChildProcess
    private let folder: URL

    /// `http://127.0.0.1:<port>`.
    package var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The replica's process id.
    package var pid: Int32 { process.pid }

    /// Everything the replica wrote to stderr so far: its own log and its workers' output.
    package var log: String { process.stderr }

    /// Whether the replica process still runs.
    package var isRunning: Bool { process.exit == nil }

    private init(port: Int, process: ChildProcess, folder: URL) {
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
        var merged = ProcessInfo.processInfo.environment
        merged["BERTH_PYTHONPATH"] = TestPaths.pythonPackages.path
        for (key, value) in environment { merged[key] = value }
        let process = try ChildProcess(
            executable: TestPaths.berthExecutable, arguments: ["replica", "--port", "0"] + arguments,
            environment: merged, stdoutFile: folder.appendingPathComponent("stdout.log"),
            stderrFile: folder.appendingPathComponent("stderr.log"))

        let deadline = ContinuousClock.now + timeout
        let address = try? await process.listeningAddress(within: timeout)
        guard let port = address?.split(separator: ":").last.flatMap({ Int($0) }) else {
            let exit = await process.terminate(grace: .seconds(1))
            throw TestProcessError("berth replica did not print its port (\(exit)). Log:\n\(process.stderr)")
        }
        let replica = ReplicaProcess(port: port, process: process, folder: folder)
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

    /// SIGTERM, then SIGKILL after `grace`; returns how it ended. Removes its scratch folder.
    @discardableResult
    package func stop(grace: Duration = .seconds(15)) async -> ChildProcess.Exit {
        let exit = await process.terminate(grace: grace)
        try? FileManager.default.removeItem(at: folder)
        return exit
    }
}
