import BerthCore
import Foundation
import Synchronization
import BerthTesting
import Testing

@testable import BerthControlPlane

/// Real `python3 -m venv` and `pip install` runs (the tiny pure-Python `six` from PyPI), with the
/// workspace and machine-wide caches in temporary folders.
@Suite("venv environments", .serialized)
struct VenvEnvironmentBuilderTests {
    /// Collects log lines from any thread.
    final class LogLines: Sendable {
        private let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        var text: String { all.joined(separator: "\n") }
        func append(_ line: String) { lines.withLock { $0.append(line) } }
    }

    private func builder(workspace: URL, machine: URL?) -> VenvEnvironmentBuilder {
        VenvEnvironmentBuilder(
            configuration: .init(
                workspaceCache: workspace.appendingPathComponent("envs"),
                machineCache: machine?.appendingPathComponent("berth/envs"),
                lockPollInterval: .milliseconds(50)))
    }

    private func prepare(_ builder: VenvEnvironmentBuilder, _ spec: EnvironmentSpec) async throws -> (PreparedEnvironment, LogLines) {
        let log = LogLines()
        let prepared = try await builder.prepare(spec, log: { log.append($0) })
        return (prepared, log)
    }

    private func runs(_ python: String, _ code: String) async throws -> String {
        try await RunToCompletion.run(python, ["-c", code]).stdout
    }

    @Test("Builds once, then answers from the workspace cache, then from the machine cache in a fresh workspace")
    func cacheOrder() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let spec = EnvironmentSpec(dependencies: PythonDependencies(condaPackages: ["python=3", "pip"], pipPackages: ["six"]))
        let machine = try scratch.folder("xdg-cache")
        let first = builder(workspace: try scratch.folder("home1"), machine: machine)

        let (built, buildLog) = try await prepare(first, spec)
        #expect(built.source == .built)
        #expect(built.hash == spec.hash)
        #expect(buildLog.text.contains("cache miss"))
        #expect(buildLog.text.contains("Successfully installed six"))
        #expect(built.directory?.path.hasPrefix(machine.path) == true)
        let buildLogFile = try #require(built.logFile)
        #expect(try String(contentsOf: buildLogFile, encoding: .utf8).contains("pip install"))
        #expect(try await runs(built.pythonExecutable, "import six; print(six.__name__)") == "six\n")

        let (again, againLog) = try await prepare(first, spec)
        #expect(again.source == .workspaceCache)
        #expect(again.pythonExecutable == built.pythonExecutable)
        #expect(againLog.text.contains("cache hit (workspace cache)"))
        #expect(!againLog.text.contains("pip"))

        let fresh = builder(workspace: try scratch.folder("home2"), machine: machine)
        let (fromMachine, machineLog) = try await prepare(fresh, spec)
        #expect(fromMachine.source == .machineCache)
        #expect(machineLog.text.contains("cache hit (machine-wide cache)"))
        let (thenWorkspace, _) = try await prepare(fresh, spec)
        #expect(thenWorkspace.source == .workspaceCache)
    }

    @Test("A failed pip install leaves no environment folder and reports pip's error")
    func failedBuild() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let spec = EnvironmentSpec(dependencies: PythonDependencies(pipPackages: ["berth-no-such-package-4f1c9a"]))
        let machine = try scratch.folder("xdg-cache")
        let workspace = try scratch.folder("home")
        let builder = builder(workspace: workspace, machine: machine)

        let error = try await #require(throws: BerthError.self) { try await prepare(builder, spec) }
        #expect(error.code == .environmentBuildFailed)
        #expect(error.message.contains("No matching distribution found for berth-no-such-package-4f1c9a"))
        let cache = machine.appendingPathComponent("berth/envs")
        #expect(!FileManager.default.fileExists(atPath: cache.appendingPathComponent(spec.hash).path))
        #expect(!FileManager.default.fileExists(atPath: workspace.appendingPathComponent("envs/\(spec.hash)").path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cache.path)
        #expect(leftovers.sorted() == ["\(spec.hash).failed.log", "\(spec.hash).lock"])
    }

    @Test("Concurrent prepares of one hash build once and agree")
    func concurrentPrepares() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let spec = EnvironmentSpec(dependencies: PythonDependencies(pipPackages: ["six"]), isUserManaged: false)
        let builder = builder(workspace: try scratch.folder("home"), machine: try scratch.folder("xdg-cache"))
        async let one = prepare(builder, spec)
        async let two = prepare(builder, spec)
        let first = try await one
        let second = try await two
        let results = [first.0, second.0]
        #expect(results.filter { $0.source == .built }.count == 1)
        #expect(Set(results.map(\.pythonExecutable)).count == 1)
        #expect(try await runs(results[0].pythonExecutable, "import six; print('ok')") == "ok\n")
    }

    @Test("No dependencies means the system Python and nothing built")
    func systemPython() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let workspace = try scratch.folder("home")
        let builder = builder(workspace: workspace, machine: nil)
        let (prepared, log) = try await prepare(builder, EnvironmentSpec())
        #expect(prepared.source == .system)
        #expect(prepared.directory == nil)
        #expect(prepared.pythonExecutable.hasPrefix("/"))
        #expect(FileManager.default.isExecutableFile(atPath: prepared.pythonExecutable))
        #expect(log.text.contains("system Python"))
        #expect(!FileManager.default.fileExists(atPath: workspace.appendingPathComponent("envs").path))

        let onlyPython = EnvironmentSpec(dependencies: PythonDependencies(condaPackages: ["python=3", "pip"]))
        #expect(try await prepare(builder, onlyPython).0.source == .system)

        let impossible = EnvironmentSpec(dependencies: PythonDependencies(condaPackages: ["python=2.7"]))
        let error = try await #require(throws: BerthError.self) { try await prepare(builder, impossible) }
        #expect(error.message.contains("python=2.7"))
    }
}
