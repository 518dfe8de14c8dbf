import BerthCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One `berth replica` process started by the local backend: its stdout (where it prints its
/// port) goes to a small file, its stderr is appended to the replica's log file.
///
/// It keeps Foundation's `Process` rather than swift-subprocess (which the environment builder's
/// steps use): a replica outlives the call that starts it, probed and signalled by the backend for
/// its whole life, which swift-subprocess's scoped `run { execution in … }` does not fit.
final class LocalReplicaProcess: Sendable {
    let pid: Int32
    private let process: Process
    private let stdoutFile: URL

    private init(process: Process, stdoutFile: URL) {
        self.process = process
        self.pid = process.processIdentifier
        self.stdoutFile = stdoutFile
    }

    /// Starts `berth replica` for `spec`, writing to `log` (appended) and `stdoutFile`.
    ///
    /// - Parameters:
    ///   - gpus: the cluster's GPUs it holds, as `CUDA_VISIBLE_DEVICES` (empty hides them all); nil
    ///     on a cluster that declares none, where the variable is left as it is.
    ///   - socketPath: the Unix domain socket it listens on; nil: a TCP port of 127.0.0.1.
    ///   - onExit: called once, on a Foundation thread, as soon as the process has ended.
    static func start(
        executable: URL, spec: DeploymentSpec, replicaID: String, gpus: [Int]?, socketPath: String?, log: URL,
        stdoutFile: URL, onExit: @escaping @Sendable () -> Void = {}
    ) throws -> LocalReplicaProcess {
        let manager = FileManager.default
        try manager.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !manager.fileExists(atPath: log.path) { manager.createFile(atPath: log.path, contents: nil) }
        manager.createFile(atPath: stdoutFile.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        try logHandle.seekToEnd()
        let stdoutHandle = try FileHandle(forWritingTo: stdoutFile)
        defer {
            try? logHandle.close()
            try? stdoutHandle.close()
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = ReplicaLaunch.local(spec, socketPath: socketPath).arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { environment[key] = value }
        environment["BERTH_REPLICA_ID"] = replicaID
        if let gpus { environment["CUDA_VISIBLE_DEVICES"] = GPUPlacement.visibleDevices(gpus) }
        // A local replica is on a private socket and its route has no replica secret: one inherited
        // from this process or set by the config's environment would only lock the router out.
        environment[ReplicaAuthentication.environmentVariable] = nil
        process.environment = environment
        process.currentDirectoryURL = spec.sourceDirectory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = logHandle
        process.terminationHandler = { _ in onExit() }
        try process.run()
        return LocalReplicaProcess(process: process, stdoutFile: stdoutFile)
    }

    var isRunning: Bool { process.isRunning }

    /// How it ended, once it has.
    var exitDescription: String { ProcessTermination(process).description }

    /// Where a replica said it listens.
    enum Address: Equatable {
        case port(Int)
        case socket(String)
    }

    /// Where the replica listens, from its `Listening on http://HOST:PORT` or
    /// `Listening on unix:PATH` line, once printed.
    func readAddress() -> Address? {
        guard let text = try? String(contentsOf: stdoutFile, encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Listening on ") })
        else { return nil }
        let address = line.dropFirst("Listening on ".count)
        if address.hasPrefix("unix:") { return .socket(String(address.dropFirst("unix:".count))) }
        return address.split(separator: ":").last.flatMap { Int($0) }.map(Address.port)
    }

    /// What the replica said it could not do as asked (a limit no cgroup enforces), from its
    /// `Warning: …` lines, which come before `Listening on`.
    func readWarnings() -> [String] {
        guard let text = try? String(contentsOf: stdoutFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").filter { $0.hasPrefix("Warning: ") }.map {
            String($0.dropFirst("Warning: ".count))
        }
    }

    /// SIGTERM: the replica finishes requests in flight, then stops its workers.
    func terminate() {
        if process.isRunning { kill(pid, SIGTERM) }
    }

    /// SIGKILL, for a replica that failed its liveness probe or ignored SIGTERM.
    func forceKill() {
        if process.isRunning { kill(pid, SIGKILL) }
    }
}

extension ReplicaLaunch {
    /// How the local backend starts a replica of `spec`: on `socketPath`, else on a port of
    /// 127.0.0.1 the OS picks; ending with the backend (`--exit-with-parent`); its memory limit
    /// (at least 16 MB) and CPU limit enforced by the replica's own cgroup.
    package static func local(_ spec: DeploymentSpec, socketPath: String?) -> ReplicaLaunch {
        ReplicaLaunch(
            entryScript: spec.entryScript, sourceDirectory: spec.sourceDirectory.path,
            modelDirectory: spec.modelDirectory.path, python: spec.python,
            listener: socketPath.map(Listener.unixSocket) ?? .tcp(host: Defaults.host, port: 0),
            maxConcurrentRequests: spec.maxConcurrentRequests, scoringTimeoutMs: spec.scoringTimeoutMs,
            serviceName: spec.name,
            memoryLimitMB: max(16, Int(((spec.memoryLimitInGB ?? spec.memoryInGB) * 1024).rounded())),
            cpuLimit: spec.cpuLimit, exitWithParent: true)
    }
}
