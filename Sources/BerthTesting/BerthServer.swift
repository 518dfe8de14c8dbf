import BerthCore
import Foundation

/// A real `berth server` process on a workspace folder, listening on a port the OS chose.
///
/// ```swift
/// let server = try await BerthServer.start(home: folder.appending("home"))
/// let result = try await BerthCLI.run(["model", "list"], home: server.home)
/// await server.stop()
/// ```
///
/// A test that fails before `stop()` still leaves no server behind: the process is killed when
/// the last copy of the `BerthServer` goes away.
package struct BerthServer: Sendable {
    /// The workspace folder (`--home`).
    package let home: URL
    /// The running process.
    package let process: ChildProcess
    /// What the server wrote to `server.json` once it listened.
    package let info: ServerInfo

    /// The control plane's base URL, e.g. `http://127.0.0.1:39211`.
    package var baseURL: String { info.controlPlaneURL }

    /// The workspace's layout, for finding the admin token and the database.
    package var layout: WorkspaceLayout { WorkspaceLayout(root: home) }

    /// Starts `berth server --home <home> --port 0 --router-port 0 [extraArguments…]` and waits until its `server.json`
    /// names it.
    ///
    /// The server's output goes to a fresh `logs-<random>/server.{out,err}` beside the workspace, so
    /// a restarted server does not overwrite the log of the one before.
    ///
    /// `environment` adds to (or overrides) the server's environment, e.g. the Kubernetes settings.
    ///
    /// - Throws: `TestProcessError` when the server exits or does not listen within `timeout`, with its log.
    package static func start(
        home: URL, extraArguments: [String] = [], environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> BerthServer {
        let logs = home.deletingLastPathComponent().appendingPathComponent("logs-\(UUID().uuidString.prefix(8))")
        let process = try ChildProcess(
            executable: TestPaths.berthExecutable,
            arguments: ["server", "--home", home.path, "--port", "0", "--router-port", "0"] + extraArguments,
            environment: testEnvironment.merging(environment) { $1 },
            stdoutFile: logs.appendingPathComponent("server.out"),
            stderrFile: logs.appendingPathComponent("server.err")
        )
        let layout = WorkspaceLayout(root: home)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let info = currentInfo(layout), info.pid == process.pid {
                return BerthServer(home: home, process: process, info: info)
            }
            if let exit = process.exit {
                throw TestProcessError("berth server exited (\(exit)) before listening.\n\(process.stderr)")
            }
            if ContinuousClock.now >= deadline {
                await process.kill9()
                throw TestProcessError("berth server did not write server.json within \(timeout).\n\(process.stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Starts a server as `start` does, runs `body` with it and stops it afterwards — also when
    /// `body` throws, whose error is rethrown once the server has stopped.
    package static func withRunning<T>(
        home: URL, extraArguments: [String] = [], environment: [String: String] = [:],
        _ body: (BerthServer) async throws -> T
    ) async throws -> T {
        let server = try await start(home: home, extraArguments: extraArguments, environment: environment)
        let result: T
        do {
            result = try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        return result
    }

    /// The server's environment: this process's, with the machine-wide environment cache moved to
    /// one folder under the temporary directory that every test run shares, so tests never touch
    /// the user's `~/.cache/berth` yet build each environment (scikit-learn's takes a while) once.
    static var testEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-test-cache").path
        return environment
    }

    /// `server.json` of `layout` when it exists and decodes.
    private static func currentInfo(_ layout: WorkspaceLayout) -> ServerInfo? {
        guard let data = FileManager.default.contents(atPath: layout.serverInfoFile.path) else { return nil }
        return try? BerthJSON.decode(ServerInfo.self, from: data)
    }

    /// The admin token the server created in its workspace.
    package func adminToken() throws -> String {
        try String(contentsOf: layout.adminTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Stops the server the way Ctrl-C would (SIGTERM, then SIGKILL after `grace`).
    @discardableResult
    package func stop(grace: Duration = .seconds(10)) async -> ChildProcess.Exit {
        await process.terminate(grace: grace)
    }

    /// Kills the server with SIGKILL, as a crash would, and waits until it is gone.
    @discardableResult
    package func kill9() async -> ChildProcess.Exit {
        await process.kill9()
    }

    /// The server's standard error so far (its log).
    package var log: String { process.stderr }
}
