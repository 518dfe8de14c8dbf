import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The local cluster's `EnvironmentBuilder`: one venv per environment hash, built with
/// `python3 -m venv` and `pip install`, cached in the workspace and machine-wide.
///
/// Look-up order: the workspace cache (`$BERTH_HOME/envs/<hash>`), then the machine-wide cache
/// (`$XDG_CACHE_HOME/berth/envs/<hash>`), else build. A machine-cache hit is linked into the
/// workspace cache (a symbolic link), so the next look-up answers there. Builds happen in the
/// machine-wide cache when there is one (so other workspaces reuse them), in a temporary sibling
/// folder under a per-hash lock, and are renamed into place only once complete: a failed build
/// leaves no folder under the hash (its log is kept as `<hash>.failed.log`), and an interrupted one
/// leaves only a temporary folder that the next build of that hash removes. The finished folder
/// holds `berth-build.log` and `berth-environment.json`. Console scripts pip writes into `bin/`
/// name the temporary path in their `#!` line; replicas run `bin/python -m …`, which is unaffected.
package struct VenvEnvironmentBuilder: EnvironmentBuilder {
    /// Where the caches are and which Python builds venvs.
    package let configuration: Configuration

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    package func prepare(
        _ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void
    ) async throws -> PreparedEnvironment {
        let hash = spec.hash
        let plan = try InstallPlan(spec.dependencies)
        if spec.isUserManaged || plan.isEmpty {
            plan.notes.forEach(log)
            let python = try await interpreter(for: plan.pythonRequirement, hash: hash, log: log)
            let prepared = PreparedEnvironment(
                pythonExecutable: python.path, hash: hash, source: .system, directory: nil, logFile: nil)
            log(prepared.summary + (spec.isUserManaged ? " (userManagedDependencies is set)" : ""))
            return prepared
        }
        let workspaceEntry = configuration.workspaceCache.appendingPathComponent(hash)
        if let found = existing(at: workspaceEntry, hash: hash, source: .workspaceCache) {
            found.directory.map(EnvironmentCache.markUsed)
            log(found.summary)
            return found
        }
        if let machineCache = configuration.machineCache,
            let found = existing(at: machineCache.appendingPathComponent(hash), hash: hash, source: .machineCache)
        {
            found.directory.map(EnvironmentCache.markUsed)
            linkIntoWorkspace(found)
            log(found.summary)
            return found
        }
        log("Environment \(spec.shortHash): cache miss; building a venv")
        let prepared = try await build(spec, plan: plan, log: log)
        if prepared.source != .workspaceCache { linkIntoWorkspace(prepared) }
        log(prepared.summary)
        return prepared
    }

    /// A complete environment at `entry` (a folder or a link to one), or nil; a link whose target
    /// is gone is removed so it does not shadow a rebuild.
    func existing(at entry: URL, hash: String, source: PreparedEnvironment.Source) -> PreparedEnvironment? {
        let folder = entry.resolvingSymlinksInPath()
        let python = folder.appendingPathComponent("bin/python")
        let marker = folder.appendingPathComponent(Self.markerFileName)
        guard FileManager.default.isExecutableFile(atPath: python.path),
            FileManager.default.fileExists(atPath: marker.path)
        else {
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: entry.path)) != nil {
                try? FileManager.default.removeItem(at: entry)
            }
            return nil
        }
        return PreparedEnvironment(
            pythonExecutable: python.path, hash: hash, source: source, directory: folder,
            logFile: folder.appendingPathComponent(Self.logFileName))
    }

    private func linkIntoWorkspace(_ prepared: PreparedEnvironment) {
        guard let target = prepared.directory else { return }
        let manager = FileManager.default
        try? manager.createDirectory(at: configuration.workspaceCache, withIntermediateDirectories: true)
        try? manager.createSymbolicLink(
            at: configuration.workspaceCache.appendingPathComponent(prepared.hash), withDestinationURL: target)
    }

    static let markerFileName = "berth-environment.json"
    static let logFileName = "berth-build.log"
}

extension VenvEnvironmentBuilder {
    /// Builds under the per-hash lock, re-checking the cache once the lock is held.
    private func build(
        _ spec: EnvironmentSpec, plan: InstallPlan, log: @escaping @Sendable (String) -> Void
    ) async throws -> PreparedEnvironment {
        let (root, source) = buildRoot()
        let hash = spec.hash
        let manager = FileManager.default
        try manager.createDirectory(at: root, withIntermediateDirectories: true)
        return try await CacheLock.withLock(
            root.appendingPathComponent("\(hash).lock"), pollInterval: configuration.lockPollInterval,
            onWait: { log("Environment \(spec.shortHash): another build of it is running; waiting for it") }
        ) {
            try await buildLocked(spec, plan: plan, root: root, source: source, log: log)
        }
    }

    /// The build proper; the caller holds the hash's lock.
    private func buildLocked(
        _ spec: EnvironmentSpec, plan: InstallPlan, root: URL, source: PreparedEnvironment.Source,
        log: @escaping @Sendable (String) -> Void
    ) async throws -> PreparedEnvironment {
        let hash = spec.hash
        let manager = FileManager.default
        let entry = root.appendingPathComponent(hash)
        if let found = existing(at: entry, hash: hash, source: source) { return found }
        removeLeftovers(of: hash, in: root)

        let staging = root.appendingPathComponent(".\(hash).tmp-\(UUID().uuidString.prefix(8))")
        let logFile = URL(fileURLWithPath: staging.path + ".log")
        let note: @Sendable (String) -> Void = { line in
            log(line)
            if let handle = try? ChildProcess.openForAppending(logFile) {
                handle.write(Data((line + "\n").utf8))
                try? handle.close()
            }
        }
        do {
            plan.notes.forEach(note)
            let python = try await interpreter(for: plan.pythonRequirement, hash: hash, log: note)
            try await step(python.path, ["-m", "venv", staging.path], spec: spec, logFile: logFile, log: log)
            let stagedPython = staging.appendingPathComponent("bin/python").path
            try await step(
                stagedPython,
                ["-m", "pip", "install", "--disable-pip-version-check", "--no-input"] + plan.pipRequirements,
                spec: spec, logFile: logFile, log: log)
            try writeMarker(spec, plan: plan, python: python, into: staging)
            try manager.moveItem(at: logFile, to: staging.appendingPathComponent(Self.logFileName))
        } catch {
            try? manager.removeItem(at: staging)
            let failedLog = root.appendingPathComponent("\(hash).failed.log")
            try? manager.removeItem(at: failedLog)
            try? manager.moveItem(at: logFile, to: failedLog)
            throw error
        }
        if rename(staging.path, entry.path) != 0 {
            let code = errno
            try? manager.removeItem(at: staging)
            guard code == EEXIST || code == ENOTEMPTY, let found = existing(at: entry, hash: hash, source: source)
            else {
                throw BerthError(
                    .environmentBuildFailed,
                    "Cannot move the built environment into '\(entry.path)': \(String(cString: strerror(code))).")
            }
            return found
        }
        try? manager.removeItem(at: root.appendingPathComponent("\(hash).failed.log"))
        guard var built = existing(at: entry, hash: hash, source: .built) else {
            throw BerthError(.environmentBuildFailed, "The environment built into '\(entry.path)' has no bin/python.")
        }
        built.source = .built
        return built
    }

    /// The machine-wide cache when it can be created, else the workspace cache.
    private func buildRoot() -> (URL, PreparedEnvironment.Source) {
        if let machine = configuration.machineCache,
            (try? FileManager.default.createDirectory(at: machine, withIntermediateDirectories: true)) != nil
        {
            return (machine, .machineCache)
        }
        return (configuration.workspaceCache, .workspaceCache)
    }

    /// Removes temporary folders of earlier builds of `hash` that died; safe under the lock.
    private func removeLeftovers(of hash: String, in root: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        for name in names where name.hasPrefix(".\(hash).tmp-") {
            try? FileManager.default.removeItem(at: root.appendingPathComponent(name))
        }
    }

    /// Runs one build command; a non-zero exit becomes an error carrying its last output lines.
    private func step(
        _ executable: String, _ arguments: [String], spec: EnvironmentSpec, logFile: URL,
        log: @escaping @Sendable (String) -> Void
    ) async throws {
        let outcome = try await ChildProcess.run(
            executable, arguments, environment: configuration.childEnvironment, logFile: logFile,
            onLine: { log("  " + $0) })
        guard outcome.isSuccess else {
            let command = arguments.prefix(3).joined(separator: " ")
            let failedLog = logFile.deletingLastPathComponent().appendingPathComponent("\(spec.hash).failed.log")
            throw BerthError(
                .environmentBuildFailed,
                "Building environment \(spec.shortHash) failed: '\(URL(fileURLWithPath: executable).lastPathComponent) "
                    + "\(command)' failed (\(outcome.termination)). Last lines of its output:\n"
                    + outcome.tail.map { "  " + $0 }.joined(separator: "\n")
                    + "\nThe full log is at \(failedLog.path).")
        }
    }

    private func writeMarker(
        _ spec: EnvironmentSpec, plan: InstallPlan, python: (path: String, version: String), into folder: URL
    ) throws {
        let marker: JSONValue = .object([
            "hash": .string(spec.hash),
            "spec": (try? JSONValue(parsing: Data(spec.canonicalJSON.utf8))) ?? .null,
            "basePython": .string(python.path),
            "pythonVersion": .string(python.version),
            "pipRequirements": .array(plan.pipRequirements.map(JSONValue.string)),
            "createdAt": .string(ISO8601DateFormatter().string(from: Date())),
        ])
        try Data(marker.canonicalJSON.utf8).write(to: folder.appendingPathComponent(Self.markerFileName))
    }
}
