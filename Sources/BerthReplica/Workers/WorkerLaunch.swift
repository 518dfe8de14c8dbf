import BerthCore
import Foundation

/// How to start a worker process: checked paths, command line and environment
/// (docs/worker-protocol.md, "Start-up").
///
/// Built once from the configuration, so a wrong path fails `berth replica` at start-up with a
/// message naming the flag, instead of failing every worker start.
struct WorkerLaunch: Sendable {
    var python: URL
    var sourceDirectory: URL
    var environment: [String: String]

    /// `<python> -u -m berth_worker`.
    var arguments: [String] { ["-u", "-m", "berth_worker"] }

    /// Resolves and checks the configuration's paths.
    ///
    /// - Throws: `BerthError.invalidConfiguration` naming the flag whose path is wrong.
    init(
        configuration: ReplicaHost.Configuration,
        environment inherited: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let files = FileManager.default
        let source = URL(fileURLWithPath: configuration.sourceDirectory).standardizedFileURL
        guard isDirectory(source.path) else {
            throw BerthError.invalidConfiguration(
                "The source directory '\(configuration.sourceDirectory)' (--source-dir) is not a folder.")
        }
        let script =
            configuration.entryScript.hasPrefix("/")
            ? URL(fileURLWithPath: configuration.entryScript)
            : source.appendingPathComponent(configuration.entryScript)
        guard files.fileExists(atPath: script.path) else {
            throw BerthError.invalidConfiguration(
                "The entry script '\(configuration.entryScript)' (--entry-script) was not found in '\(source.path)'.")
        }
        let models = URL(fileURLWithPath: configuration.modelDirectory).standardizedFileURL
        guard isDirectory(models.path) else {
            throw BerthError.invalidConfiguration(
                "The model directory '\(configuration.modelDirectory)' (--model-dir) is not a folder.")
        }
        guard let python = Self.findExecutable(configuration.python, path: inherited["PATH"]) else {
            throw BerthError.invalidConfiguration(
                "The Python '\(configuration.python)' (--python) was not found or is not executable.")
        }
        guard let workerPath = configuration.workerPythonPath ?? Self.defaultWorkerPythonPath(inherited) else {
            throw BerthError.invalidConfiguration(
                "The 'berth_worker' package was not found: pass --worker-pythonpath DIR (the folder holding "
                    + "berth_worker/) or set BERTH_PYTHONPATH.")
        }
        let workerRoot = URL(fileURLWithPath: workerPath).standardizedFileURL
        guard files.fileExists(atPath: workerRoot.appendingPathComponent("berth_worker/__init__.py").path) else {
            throw BerthError.invalidConfiguration(
                "The folder '\(workerPath)' (--worker-pythonpath or BERTH_PYTHONPATH) holds no berth_worker/__init__.py."
            )
        }

        var environment = inherited
        for (key, value) in configuration.workerEnvironment { environment[key] = value }
        // The router's secret is the host's to check, and the Pod token the host's to send
        // telemetry with; the entry script has no use for either.
        environment[ReplicaAuthentication.environmentVariable] = nil
        environment[ControlPlaneUpload.tokenVariable] = nil
        let existing = environment["PYTHONPATH"].map { ":" + $0 } ?? ""
        environment["PYTHONPATH"] = workerRoot.path + existing
        environment["AML_APP_ROOT"] = source.path
        environment["AZUREML_ENTRY_SCRIPT"] = configuration.entryScript
        environment["AZUREML_MODEL_DIR"] = models.path
        environment["PYTHONUNBUFFERED"] = "1"
        if let name = configuration.serviceName { environment["SERVICE_NAME"] = name }
        if let version = configuration.serviceVersion { environment["SERVICE_VERSION"] = version }
        if let prefix = configuration.servicePathPrefix { environment["SERVICE_PATH_PREFIX"] = prefix }
        self.python = python
        self.sourceDirectory = source
        self.environment = environment
    }

    /// The environment of worker `slot`.
    func environment(forSlot slot: Int) -> [String: String] {
        var environment = environment
        environment["BERTH_WORKER_ID"] = String(slot)
        return environment
    }

    /// `$BERTH_PYTHONPATH`, else the first `python/` folder holding `berth_worker` found walking up
    /// from the running executable's folder (a build folder sits inside the repository).
    static func defaultWorkerPythonPath(_ environment: [String: String]) -> String? {
        if let path = environment["BERTH_PYTHONPATH"], !path.isEmpty { return path }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = directory.appendingPathComponent("python")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("berth_worker/__init__.py").path)
            {
                return candidate.path
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { break }
            directory = parent
        }
        return nil
    }

    /// `name` itself when it holds a `/`, else the first executable of that name in `path`.
    static func findExecutable(_ name: String, path: String?) -> URL? {
        let files = FileManager.default
        if name.contains("/") {
            return files.isExecutableFile(atPath: name) ? URL(fileURLWithPath: name) : nil
        }
        for directory in (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            if files.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

private func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}
