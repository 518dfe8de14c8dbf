import BerthCore
import Foundation

extension VenvEnvironmentBuilder {
    /// Where the builder caches environments and which Python it builds with; tests inject
    /// temporary folders here instead of touching the real home.
    package struct Configuration: Sendable {
        /// `$BERTH_HOME/envs`: this workspace's cache, looked at first.
        package var workspaceCache: URL
        /// The machine-wide cache shared by workspaces, `$XDG_CACHE_HOME/berth/envs` or
        /// `~/.cache/berth/envs`; nil to use the workspace cache only.
        package var machineCache: URL?
        /// The Python that creates venvs and serves environments with nothing to install; looked
        /// up on `PATH` unless it contains a `/`. Default `python3`.
        package var python: String
        /// The environment build commands run with (and whose `PATH` finds Python).
        package var processEnvironment: [String: String]
        /// How often a prepare waiting for another build of the same hash checks the lock.
        package var lockPollInterval: Duration

        package init(
            workspaceCache: URL, machineCache: URL?, python: String = "python3",
            processEnvironment: [String: String] = ProcessInfo.processInfo.environment,
            lockPollInterval: Duration = .milliseconds(200)
        ) {
            self.workspaceCache = workspaceCache
            self.machineCache = machineCache
            self.python = python
            self.processEnvironment = processEnvironment
            self.lockPollInterval = lockPollInterval
        }

        /// The standard places: `<workspace>/envs`, and `$XDG_CACHE_HOME/berth/envs` or
        /// `$HOME/.cache/berth/envs` read from `environment`.
        package static func standard(
            layout: WorkspaceLayout, environment: [String: String] = ProcessInfo.processInfo.environment
        ) -> Configuration {
            var machine: URL?
            if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
                machine = URL(fileURLWithPath: xdg, isDirectory: true)
            } else if let home = environment["HOME"], !home.isEmpty {
                machine = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache")
            }
            return Configuration(
                workspaceCache: layout.environments,
                machineCache: machine?.appendingPathComponent("berth/envs", isDirectory: true),
                processEnvironment: environment)
        }

        /// `processEnvironment` cleaned for builds: no outer venv or `PYTHONPATH` leaking in, no
        /// user site-packages, no prompts and no pip self-update check.
        var childEnvironment: [String: String] {
            var environment = processEnvironment
            for key in ["PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "__PYVENV_LAUNCHER__"] {
                environment[key] = nil
            }
            environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
            environment["PIP_NO_INPUT"] = "1"
            environment["PYTHONNOUSERSITE"] = "1"
            return environment
        }

        /// `name` resolved on `PATH` (or as given when it holds a `/`), nil when not found.
        func executable(named name: String) -> String? {
            if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
            let path = processEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for directory in path.split(separator: ":") where !directory.isEmpty {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
            return nil
        }
    }
}

extension WorkspaceLayout {
    /// `envs/`: the workspace's environment cache, one folder (or link) per environment hash.
    package var environments: URL { root.appendingPathComponent("envs", isDirectory: true) }
}

extension VenvEnvironmentBuilder {
    /// Picks the Python that satisfies the conda `python` pin: `python3.X` on `PATH` when the pin
    /// names a minor version, then the configured Python; an error says what was found otherwise.
    /// Returns the interpreter's own `sys.executable`, so launchers (pyenv shims) are seen through.
    func interpreter(
        for requirement: PythonVersionRequirement?, hash: String, log: @escaping @Sendable (String) -> Void
    ) async throws -> (path: String, version: String) {
        var candidates = [configuration.python]
        if let minor = requirement?.pinnedMinor { candidates.insert("python\(minor)", at: 0) }
        var found: [String] = []
        for name in candidates {
            guard let path = configuration.executable(named: name) else { continue }
            let outcome = try await ChildProcess.run(
                path, ["-c", "import sys; print('.'.join(map(str, sys.version_info[:3]))); print(sys.executable)"],
                environment: configuration.childEnvironment, logFile: nil, onLine: { _ in })
            guard outcome.isSuccess, outcome.tail.count >= 2 else { continue }
            let version = outcome.tail[outcome.tail.count - 2].trimmingWhitespace()
            // `sys.executable` sees through launchers such as pyenv shims.
            let executable = outcome.tail[outcome.tail.count - 1].trimmingWhitespace()
            let resolved = FileManager.default.isExecutableFile(atPath: executable) ? executable : path
            found.append("\(path) is \(version)")
            let numbers = version.split(separator: ".").compactMap { Int($0) }
            if requirement?.isSatisfied(by: numbers) ?? true {
                if let requirement { log("Python \(version) (\(resolved)) satisfies '\(requirement)'.") }
                return (resolved, version)
            }
        }
        let wanted = requirement.map { "'\($0)'" } ?? "Python"
        throw BerthError(
            .environmentBuildFailed,
            "Environment \(hash.prefix(12)) needs \(wanted), but "
                + (found.isEmpty ? "no '\(candidates.joined(separator: "' or '"))' was found on PATH" : found.joined(separator: "; "))
                + ". Berth builds venvs from a Python installed on this machine: install a matching Python "
                + "(python3.X on PATH) or change the pin in the conda file.")
    }
}
