import BerthCore
import Foundation

/// Turns an `EnvironmentSpec` into a Python a replica can run: the seam between deploys and the
/// way environments are made (a venv on the local cluster, an image tagged with the hash on
/// Kubernetes later, a fake in tests).
package protocol EnvironmentBuilder: Sendable {
    /// Finds the environment in a cache or builds it, reporting progress (cache hit or miss, the
    /// build's output) line by line through `log`, which may be called from any thread.
    func prepare(_ spec: EnvironmentSpec, log: @escaping @Sendable (String) -> Void) async throws -> PreparedEnvironment
}

/// An environment ready to run replicas, and where it came from, for the deploy log.
package struct PreparedEnvironment: Sendable, Hashable {
    /// Where the environment was found.
    package enum Source: String, Sendable, Hashable, Codable {
        /// Nothing to build: the machine's own Python.
        case system
        /// Found in `$BERTH_HOME/envs`.
        case workspaceCache
        /// Found in the machine-wide cache (`$XDG_CACHE_HOME/berth/envs`).
        case machineCache
        /// Built by this call.
        case built
    }

    /// The Python to start workers with (absolute when it could be resolved).
    package var pythonExecutable: String
    /// The environment's `EnvironmentSpec.hash`.
    package var hash: String
    /// Where it came from.
    package var source: Source
    /// The environment's folder; nil for the system Python.
    package var directory: URL?
    /// The build log kept in the environment's folder; nil for the system Python.
    package var logFile: URL?

    package init(pythonExecutable: String, hash: String, source: Source, directory: URL?, logFile: URL?) {
        self.pythonExecutable = pythonExecutable
        self.hash = hash
        self.source = source
        self.directory = directory
        self.logFile = logFile
    }

    /// Whether no build was needed (any source but `built`).
    package var isCacheHit: Bool { source != .built }

    /// The deploy log's line, e.g. "Environment 3f2a9c0d1e2b: cache hit (workspace cache)".
    package var summary: String {
        let short = hash.prefix(12)
        switch source {
        case .system: return "Environment \(short): no dependencies to install; using the system Python (\(pythonExecutable))"
        case .workspaceCache: return "Environment \(short): cache hit (workspace cache)"
        case .machineCache: return "Environment \(short): cache hit (machine-wide cache)"
        case .built: return "Environment \(short): cache miss; built into \(directory?.path ?? "?")"
        }
    }
}

extension BerthError.Code {
    /// Building a Python environment failed (pip could not install a package, the Python version
    /// does not match); the message carries the tail of the build's output.
    package static let environmentBuildFailed = Self("EnvironmentBuildFailed")
}
