import AsyncHTTPClient
import BerthCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Runs replicas as `berth replica` processes on this machine, scheduled against the local
/// cluster's declared capacity.
///
/// It restarts replicas that exit (with exponential back-off), probes `/ready` to know which may
/// take traffic, applies the liveness probe (`livenessProbeRequirements`) and kills a replica that
/// fails it, and stops everything on `remove` or shutdown. Replicas exit with the server
/// (`--exit-with-parent`); after a restart the control plane applies the stored services again.
///
/// ```swift
/// let backend = LocalBackend(configuration: .init(berthExecutable: exe, logDirectory: logs), logger: logger)
/// try await ServiceGroup(services: [backend], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public actor LocalBackend: ComputeBackend, Service {
    /// Where the backend finds `berth` and writes logs, and how often it looks.
    public struct Configuration: Sendable {
        /// The `berth` executable that runs replicas (normally the server's own).
        public var berthExecutable: URL
        /// Replica logs go to `<logDirectory>/<service>/<replica>.log`.
        public var logDirectory: URL
        /// How often replicas are checked (exit, `/ready`). Default 250 ms.
        public var checkInterval: Duration
        /// How often a replica that is starting is asked `/ready`: a deploy hears of its last
        /// replica's readiness this soon after it (a `/ready` over a local socket costs well under a
        /// millisecond, and only starting replicas are asked this often; the others keep
        /// `checkInterval`). Default 10 ms.
        public var startingCheckInterval: Duration = .milliseconds(10)
        /// First restart delay after an exit; doubles per exit in a row, up to `restartBackoffMaximum`.
        public var restartBackoffInitial: Duration
        public var restartBackoffMaximum: Duration
        /// Called (off the actor) whenever a replica becomes ready or stops being ready.
        public var onChange: @Sendable () -> Void
        /// How long a replica removed by a scale-down stays up after leaving the route table, so
        /// that no router sends it a request after it stops listening. Default 1 s.
        public var drainDelay: Duration = .seconds(1)
        /// Where replicas listen on Unix domain sockets, reachable only by this user (the router);
        /// nil: on TCP ports of 127.0.0.1, which any local process can reach. Default nil.
        public var socketFolder: ReplicaSocketFolder? = nil

        public init(
            berthExecutable: URL, logDirectory: URL, checkInterval: Duration = .milliseconds(250),
            restartBackoffInitial: Duration = .milliseconds(500), restartBackoffMaximum: Duration = .seconds(30),
            onChange: @escaping @Sendable () -> Void = {}
        ) {
            self.berthExecutable = berthExecutable
            self.logDirectory = logDirectory
            self.checkInterval = checkInterval
            self.restartBackoffInitial = restartBackoffInitial
            self.restartBackoffMaximum = restartBackoffMaximum
            self.onChange = onChange
        }
    }

    struct Slot {
        var index: Int
        var revision: String
        var process: LocalReplicaProcess?
        var port: Int?
        /// The Unix domain socket it listens on, once it said so (with `socketFolder`).
        var socketPath: String?
        var state: ReplicaStatus.State = .starting
        var restarts = 0
        var failuresInRow = 0
        var lastError: String?
        var startedAt: ContinuousClock.Instant?
        var nextStart: ContinuousClock.Instant?
        var lastLivenessCheck: ContinuousClock.Instant?
        /// Liveness probes failed since it last counted as live, and passes since (`successThreshold`).
        var liveness = LivenessStreak()
        var workerFailures = 0
        /// The cluster's GPUs it holds (`gpuCores` of them) while it runs or waits to restart.
        var gpus: [Int] = []
    }

    struct Deployment {
        var spec: DeploymentSpec
        var slots: [Slot]
        var unschedulable: String?
        /// What its replicas of `spec.revision` said they could not do as asked, by replica id
        /// (replaced when a replica starts again, so restarts do not pile them up).
        var warnings: [String: [String]] = [:]
        /// During a rolling update: the replicas of the revision before, serving until every
        /// replica of `spec.revision` is ready (then they drain and stop), or taking over again if
        /// the update is rolled back (`apply` with their revision).
        var previous: PreviousRevision?
    }

    struct PreviousRevision {
        var spec: DeploymentSpec
        var slots: [Slot]
    }

    /// A replica on its way out: out of the route table now, SIGTERM at `stopAt` (it then
    /// answers its requests in flight and exits), forgotten once it has exited.
    struct Retiring {
        var process: LocalReplicaProcess
        var stopAt: ContinuousClock.Instant
        var signalled = false
    }

    let configuration: Configuration
    let logger: Logger
    /// Every deployment by name (internal for the `LocalBackend+…` extensions).
    var deployments: [String: Deployment] = [:]
    private var retiring: [Retiring] = []
    let http: HTTPClient
    private let clock = ContinuousClock()

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        // The shared client needs no shutdown: a server whose start fails after this init (say,
        // another server holds the workspace) exits with its message, not with AsyncHTTPClient's
        // "Client not shut down before the deinit" crash. Every probe passes its own deadline.
        self.http = .shared
    }

    // MARK: ComputeBackend

    public func apply(_ spec: DeploymentSpec) async throws {
        var deployment = deployments[spec.name] ?? Deployment(spec: spec, slots: [])
        if deployment.spec.revision != spec.revision {
            if let previous = deployment.previous, previous.spec.revision == spec.revision {
                // Rolled back: the previous replicas take over, the new ones go.
                retire(deployment.slots)
                deployment.slots = previous.slots
                deployment.previous = nil
                configuration.onChange()
            } else {
                // Rolling: the current replicas keep serving until the new revision's are ready.
                if let older = deployment.previous { retire(older.slots) }
                let serving = deployment.slots.filter { $0.process != nil }
                deployment.previous =
                    serving.isEmpty ? nil : PreviousRevision(spec: deployment.spec, slots: serving)
                deployment.slots = []
            }
            deployment.warnings = [:]
        }
        deployment.spec = spec
        resize(&deployment, to: spec.replicas)
        deployments[spec.name] = deployment
        logger.info(
            "Deployment applied",
            metadata: [
                "deployment.name": "\(spec.name)", "replicas": "\(spec.replicas)", "revision": "\(spec.revision)",
            ])
        tick()
    }

    public func scale(deploymentNamed name: String, to replicas: Int) async throws {
        guard var deployment = deployments[name] else {
            throw BerthError.notFound("Service '\(name)' has no replicas on this server.")
        }
        let before = deployment.spec.replicas
        deployment.spec.replicas = replicas
        resize(&deployment, to: replicas)
        deployments[name] = deployment
        logger.info(
            "Deployment scaled", metadata: ["deployment.name": "\(name)", "from": "\(before)", "to": "\(replicas)"])
        tick()
    }

    public func replicaCapacity(ofDeployment name: String) async -> ReplicaCapacity? {
        guard let spec = deployments[name]?.spec else { return nil }
        var usedCores = 0.0
        var usedMemory = 0.0
        for (other, deployment) in deployments where other != name && deployment.spec.computeName == spec.computeName {
            let running =
                deployment.slots.filter { $0.process != nil || $0.nextStart != nil }.count
                + (deployment.previous?.slots.count ?? 0)
            usedCores += Double(running) * deployment.spec.cpu
            usedMemory += Double(running) * deployment.spec.memoryInGB
        }
        let freeCores = max(0, spec.capacity.cores - usedCores)
        let freeMemory = max(0, spec.capacity.memoryInGB - usedMemory)
        let byCores = spec.cpu > 0 ? Int((freeCores / spec.cpu + 1e-9).rounded(.down)) : Int.max
        let byMemory = spec.memoryInGB > 0 ? Int((freeMemory / spec.memoryInGB + 1e-9).rounded(.down)) : Int.max
        let freeGPUs = gpuPlacement(on: spec.computeName, declared: spec.capacity.gpus, excluding: name).free
        let byGPUs = spec.gpu > 0 ? freeGPUs / spec.gpu : Int.max
        let gpuNeed = spec.gpu > 0 ? " and \(spec.gpu) GPU" : ""
        let gpuFree = spec.gpu > 0 ? " and \(freeGPUs) GPU" : ""
        let gpuTotal = spec.gpu > 0 ? " and \(spec.capacity.gpus ?? 0) GPU" : ""
        return ReplicaCapacity(
            maxReplicas: min(byCores, byMemory, byGPUs),
            explanation: "each replica needs \(format(spec.cpu)) CPU and \(format(spec.memoryInGB)) GB\(gpuNeed), and "
                + "cluster '\(spec.computeName)' has \(format(freeCores)) CPU and \(format(freeMemory)) GB\(gpuFree) "
                + "for this service (of \(format(spec.capacity.cores)) CPU and \(format(spec.capacity.memoryInGB)) GB"
                + "\(gpuTotal)). Lower maxReplicas or containerResourceRequirements, free capacity, or use a larger "
                + "cluster.")
    }

    /// Adds slots (ids after those of any previous revision still serving), or retires the last ones.
    private func resize(_ deployment: inout Deployment, to replicas: Int) {
        var removed: [Slot] = []
        while deployment.slots.count > replicas {
            removed.append(deployment.slots.removeLast())
        }
        retire(removed)
        let base = deployment.previous.map { $0.slots.map(\.index).max().map { $0 + 1 } ?? 0 } ?? 0
        while deployment.slots.count < replicas {
            let index = max(base, (deployment.slots.map(\.index).max() ?? -1) + 1)
            deployment.slots.append(Slot(index: index, revision: deployment.spec.revision))
        }
    }

    /// Takes replicas out of service: out of the route table at once, SIGTERM after the drain delay.
    private func retire(_ slots: [Slot]) {
        let stopAt = clock.now.advanced(by: configuration.drainDelay)
        for slot in slots {
            if let process = slot.process { retiring.append(Retiring(process: process, stopAt: stopAt)) }
        }
        if slots.contains(where: { $0.state == .ready }) { configuration.onChange() }
    }

    public func remove(deploymentNamed name: String) async {
        guard let deployment = deployments.removeValue(forKey: name) else { return }
        let processes = (deployment.slots + (deployment.previous?.slots ?? [])).compactMap(\.process)
        await stop(processes)
        configuration.onChange()
    }

    public func status(ofDeployment name: String) async -> DeploymentStatus? {
        guard let deployment = deployments[name] else { return nil }
        var observed = DeploymentStatus(
            name: name, desiredReplicas: deployment.spec.replicas,
            replicas: deployment.slots.filter { $0.process != nil || $0.nextStart != nil }.map {
                status(of: $0, in: name)
            },
            unschedulable: deployment.unschedulable)
        observed.warnings = deployment.warnings.sorted { $0.key < $1.key }.flatMap(\.value)
        observed.previousReplicas = deployment.previous?.slots.map { status(of: $0, in: name) } ?? []
        return observed
    }

    public func logs(ofDeployment name: String, replica: String?, lines: Int) async throws -> String {
        guard let deployment = deployments[name] else {
            throw BerthError.notFound("Service '\(name)' has no replicas on this server.")
        }
        let ids = deployment.slots.map { replicaID(name, $0.index) }
        if let replica, !ids.contains(replica) {
            throw BerthError.notFound(
                "Service '\(name)' has no replica '\(replica)'; its replicas are \(ids.joined(separator: ", ")).")
        }
        var output = ""
        for id in replica.map({ [$0] }) ?? ids {
            let text = (try? String(contentsOf: logFile(name, id), encoding: .utf8)) ?? ""
            let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1)
            if replica == nil { output += "==> \(id) <==\n" }
            output += tail.joined(separator: "\n")
            if !output.hasSuffix("\n") { output += "\n" }
        }
        return output
    }

    // MARK: Service

    public func run() async throws {
        await withGracefulShutdownHandler {
            var lastFullCheck = clock.now
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                tick()
                let fullCheckDue = lastFullCheck.advanced(by: configuration.checkInterval) <= clock.now
                if fullCheckDue { lastFullCheck = clock.now }
                await probe(startingOnly: !fullCheckDue)
                try? await Task.sleep(
                    for: anyStarting ? configuration.startingCheckInterval : configuration.checkInterval)
            }
        } onGracefulShutdown: {
        }
        let processes =
            deployments.values.flatMap { ($0.slots + ($0.previous?.slots ?? [])).compactMap(\.process) }
            + retiring.map(\.process)
        deployments = [:]
        retiring = []
        await stop(processes)
    }

    // MARK: Supervision

    /// Notices exits, and starts the slots that are due and fit the cluster.
    /// Whether some replica has started and not yet answered `/ready` once.
    private var anyStarting: Bool {
        deployments.values.contains { deployment in
            (deployment.slots + (deployment.previous?.slots ?? [])).contains { $0.state == .starting }
        }
    }

    private func tick() {
        let now = clock.now
        var changed = false
        for index in retiring.indices where !retiring[index].signalled && retiring[index].stopAt <= now {
            retiring[index].process.terminate()
            retiring[index].signalled = true
        }
        retiring.removeAll { $0.signalled && !$0.process.isRunning }
        if finishRollouts() { changed = true }
        for name in deployments.keys.sorted() {
            guard var deployment = deployments[name] else { continue }
            deployment.unschedulable = nil
            for index in deployment.slots.indices {
                var slot = deployment.slots[index]
                if let process = slot.process, !process.isRunning {
                    let reason = process.exitDescription
                    slot.process = nil
                    slot.port = nil
                    // Its successor listens elsewhere (`ReplicaSocketFolder.socketPath`); the file goes.
                    if let path = slot.socketPath { try? FileManager.default.removeItem(atPath: path) }
                    slot.socketPath = nil
                    if slot.state == .ready { changed = true }
                    slot.state = .restarting
                    slot.restarts += 1
                    slot.failuresInRow += 1
                    slot.lastError = "The replica exited (\(reason))."
                    let delay = backoff(slot.failuresInRow)
                    slot.nextStart = now.advanced(by: delay)
                    logger.warning(
                        "Replica exited; restarting in \(delay)",
                        metadata: ["replica.id": "\(replicaID(name, slot.index))", "reason": "\(reason)"])
                }
                if slot.process == nil, slot.nextStart.map({ $0 <= now }) ?? true {
                    var shortage = shortage(for: deployment.spec, excluding: name, slotsBefore: index)
                    if shortage == nil { shortage = placeGPUs(&slot, of: deployment.spec, slot: index) }
                    if let shortage {
                        deployment.unschedulable = deployment.unschedulable ?? shortage
                        slot.nextStart = nil
                        slot.gpus = []
                    } else {
                        start(&slot, deployment: deployment.spec)
                    }
                }
                deployment.slots[index] = slot
                // Written back per slot: the next slot's capacity check must see this one.
                deployments[name] = deployment
            }
        }
        if changed { configuration.onChange() }
    }

    private func start(_ slot: inout Slot, deployment spec: DeploymentSpec) {
        let id = replicaID(spec.name, slot.index)
        do {
            let socketPath = configuration.socketFolder?.socketPath(
                service: spec.name, revision: slot.revision, index: slot.index, start: slot.restarts)
            // An exit is reported at once, not at the next check: until the route table drops a dead
            // replica, every request the router sends its way fails to connect and goes elsewhere.
            slot.process = try LocalReplicaProcess.start(
                executable: configuration.berthExecutable, spec: spec, replicaID: id,
                gpus: (spec.capacity.gpus ?? 0) > 0 ? slot.gpus : nil, socketPath: socketPath,
                log: logFile(spec.name, id),
                stdoutFile: configuration.logDirectory.appendingPathComponent(spec.name).appendingPathComponent(
                    "\(id).out"),
                onExit: configuration.onChange)
            slot.state = .starting
            slot.port = nil
            slot.socketPath = nil
            slot.startedAt = clock.now
            slot.nextStart = nil
            slot.liveness = LivenessStreak()
            slot.lastLivenessCheck = nil
            logger.info(
                "Replica started", metadata: ["replica.id": "\(id)", "replica.pid": "\(slot.process?.pid ?? 0)"])
        } catch {
            slot.failuresInRow += 1
            slot.lastError = "The replica could not be started: \(error)"
            slot.nextStart = clock.now.advanced(by: backoff(slot.failuresInRow))
            logger.error("Replica could not be started", metadata: ["replica.id": "\(id)", "error": "\(error)"])
        }
    }

    /// Probes `/ready` of every started replica (and `/` for liveness when due), all at once; with
    /// `startingOnly`, only of those that have not answered `/ready` yet (between full checks,
    /// while some replica starts).
    private func probe(startingOnly: Bool = false) async {
        struct Target: Sendable {
            var name: String
            var index: Int
            /// `http://127.0.0.1:PORT` or `http+unix://SOCKET`.
            var base: String
            var pid: Int32
            var checkLiveness: Bool
            var livenessTimeout: Int
        }
        let now = clock.now
        var targets: [Target] = []
        for (name, deployment) in deployments {
            for (index, slot) in deployment.slots.enumerated() {
                guard let process = slot.process, !startingOnly || slot.state == .starting else { continue }
                if slot.port == nil, slot.socketPath == nil {
                    switch process.readAddress() {
                    case .port(let port): deployments[name]?.slots[index].port = port
                    case .socket(let path): deployments[name]?.slots[index].socketPath = path
                    case nil: break
                    }
                    if deployments[name]?.slots[index].probeBase != nil {
                        let id = replicaID(name, slot.index)
                        deployments[name]?.warnings[id] = process.readWarnings().map { "Replica \(id): \($0)" }
                    }
                }
                guard let base = deployments[name]?.slots[index].probeBase else { continue }
                let liveness = deployment.spec.liveness
                let livenessDue =
                    slot.startedAt.map { $0.advanced(by: .seconds(liveness.initialDelaySeconds)) <= now } ?? false
                    && (slot.lastLivenessCheck.map { $0.advanced(by: .seconds(liveness.periodSeconds)) <= now } ?? true)
                if livenessDue { deployments[name]?.slots[index].lastLivenessCheck = now }
                targets.append(
                    Target(
                        name: name, index: index, base: base, pid: process.pid, checkLiveness: livenessDue,
                        livenessTimeout: liveness.timeoutSeconds))
            }
        }
        guard !targets.isEmpty else { return }
        let http = self.http
        let results = await withTaskGroup(of: (Target, Readiness, Bool?).self) { group in
            for target in targets {
                group.addTask {
                    let ready = await Self.readiness(http, "\(target.base)/ready")
                    let live: Bool? =
                        target.checkLiveness
                        ? await Self.answers200(
                            http, "\(target.base)/", timeout: .seconds(Int64(target.livenessTimeout)))
                        : nil
                    return (target, ready, live)
                }
            }
            return await group.reduce(into: [(Target, Readiness, Bool?)]()) { $0.append($1) }
        }
        var changed = false
        for (target, readiness, live) in results {
            let ready = readiness.isReady
            guard var slot = deployments[target.name]?.slots[safe: target.index], slot.process?.pid == target.pid,
                let liveness = deployments[target.name]?.spec.liveness
            else { continue }
            let wasReady = slot.state == .ready
            slot.workerFailures = readiness.workerFailures
            if let error = readiness.lastError { slot.lastError = error }
            if ready {
                slot.state = .ready
                if slot.startedAt.map({ $0.advanced(by: .seconds(10)) <= clock.now }) ?? false {
                    slot.failuresInRow = 0
                }
            } else if slot.state == .ready {
                slot.state = .unhealthy
            }
            if let live, slot.liveness.record(passed: live, liveness) == .restart {
                slot.lastError = Self.livenessFailure(slot.liveness, liveness)
                logger.warning(
                    "Replica failed its liveness probe; killing it",
                    metadata: ["replica.id": "\(replicaID(target.name, slot.index))"])
                slot.process?.forceKill()
                slot.state = .unhealthy
            }
            if wasReady != (slot.state == .ready) { changed = true }
            deployments[target.name]?.slots[target.index] = slot
        }
        // Before the change is announced: whoever reads the status on hearing it (a deploy that
        // then reports Healthy, the route publisher) no longer sees the old revision's replicas.
        if finishRollouts() { changed = true }
        if changed { configuration.onChange() }
    }

    /// Retires the previous revision of every deployment whose new revision is all ready (or whose
    /// old replicas are all gone: the old revision is not restarted). Whether anything changed.
    private func finishRollouts() -> Bool {
        var changed = false
        for name in deployments.keys.sorted() {
            guard var deployment = deployments[name], var previous = deployment.previous else { continue }
            let before = previous.slots.count
            previous.slots.removeAll { $0.process?.isRunning != true }
            if previous.slots.count != before { changed = true }
            let readyNew = deployment.slots.filter { $0.state == .ready }.count
            if readyNew >= deployment.spec.replicas || previous.slots.isEmpty {
                retire(previous.slots)
                deployment.previous = nil
                changed = true
                logger.info("Rolling update finished", metadata: ["deployment.name": "\(name)"])
            } else {
                deployment.previous = previous
            }
            deployments[name] = deployment
        }
        return changed
    }

    /// Why a replica was restarted, in the words of `livenessProbeRequirements`.
    static func livenessFailure(
        _ streak: LivenessStreak, _ probe: DeploymentConfig.LivenessProbeRequirements
    ) -> String {
        let failures = "The replica failed its liveness probe \(streak.failures) times"
        guard probe.successThreshold > 1 else { return failures + " in a row; it is restarted." }
        return failures + " without \(probe.successThreshold) passes in a row (successThreshold) in between; it is "
            + "restarted."
    }

    /// What a replica's `/ready` said: ready or not, and its workers' worst failure streak.
    struct Readiness: Sendable {
        var isReady = false
        var workerFailures = 0
        var lastError: String?
    }

    private static func readiness(_ http: HTTPClient, _ url: String) async -> Readiness {
        guard let response = try? await http.execute(HTTPClientRequest(url: url), timeout: .seconds(2)),
            let body = try? await response.body.collect(upTo: 1 << 20)
        else { return Readiness() }
        var readiness = Readiness(isReady: response.status == .ok)
        let report = try? BerthJSON.decode(ReplicaReadiness.self, from: Data(body.readableBytesView), what: "/ready")
        if let worst = report?.worstWorker {
            readiness.workerFailures = worst.failures
            readiness.lastError = worst.lastError.map { "A worker failed: \($0)" }
        }
        return readiness
    }

    private static func answers200(_ http: HTTPClient, _ url: String, timeout: Duration) async -> Bool {
        let request = HTTPClientRequest(url: url)
        let (seconds, _) = timeout.components
        guard let response = try? await http.execute(request, timeout: .seconds(max(1, seconds))) else { return false }
        _ = try? await response.body.collect(upTo: 1 << 20)
        return response.status == .ok
    }

    // MARK: Helpers

    /// Nil when one more replica of `spec` fits the cluster, else what is missing, with numbers.
    private func shortage(for spec: DeploymentSpec, excluding name: String, slotsBefore index: Int) -> String? {
        var usedCores = 0.0
        var usedMemory = 0.0
        for (other, deployment) in deployments where deployment.spec.computeName == spec.computeName {
            let running =
                deployment.slots.enumerated().filter { offset, slot in
                    (other != name || offset < index) && (slot.process != nil || slot.nextStart != nil)
                }.count + (deployment.previous?.slots.count ?? 0)
            usedCores += Double(running) * deployment.spec.cpu
            usedMemory += Double(running) * deployment.spec.memoryInGB
        }
        let freeCores = spec.capacity.cores - usedCores
        let freeMemory = spec.capacity.memoryInGB - usedMemory
        if spec.cpu <= freeCores + 1e-9 && spec.memoryInGB <= freeMemory + 1e-9 { return nil }
        return
            "Replica \(index + 1) of \(spec.replicas) needs \(format(spec.cpu)) CPU and \(format(spec.memoryInGB)) GB; "
            + "cluster '\(spec.computeName)' has \(format(max(0, freeCores))) CPU and \(format(max(0, freeMemory))) GB free "
            + "of \(format(spec.capacity.cores)) CPU and \(format(spec.capacity.memoryInGB)) GB. Lower "
            + "containerResourceRequirements, reduce replicas, delete other services, or use a larger cluster."
    }

    /// A replica whose process has ended is not ready, even before `tick()` noticed the exit and
    /// restarts it: the route table built from this drops it as soon as it died.
    private func status(of slot: Slot, in name: String) -> ReplicaStatus {
        let state = slot.process?.isRunning == false && slot.state == .ready ? .restarting : slot.state
        var status = ReplicaStatus(
            id: replicaID(name, slot.index), state: state, pid: slot.process?.pid, port: slot.port,
            restarts: slot.restarts, lastError: slot.lastError, workerFailures: slot.workerFailures)
        status.socketPath = slot.socketPath
        return status
    }

    private func backoff(_ failures: Int) -> Duration {
        RestartBackoff(initial: configuration.restartBackoffInitial, maximum: configuration.restartBackoffMaximum)
            .delay(afterFailures: failures)
    }

    private func logFile(_ name: String, _ id: String) -> URL {
        configuration.logDirectory.appendingPathComponent(name).appendingPathComponent("\(id).log")
    }

    /// SIGTERM, then SIGKILL for those still running after 10 s.
    private func stop(_ processes: [LocalReplicaProcess]) async {
        for process in processes { process.terminate() }
        let deadline = clock.now.advanced(by: .seconds(10))
        while processes.contains(where: \.isRunning) && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for process in processes where process.isRunning { process.forceKill() }
    }
}

/// `<service>-<slot>`: stable across restarts, so its log file keeps the replica's history.
func replicaID(_ service: String, _ index: Int) -> String { "\(service)-\(index)" }

private func format(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension LocalBackend.Slot {
    /// The base URL its probes go to, once it said where it listens.
    var probeBase: String? {
        if let socketPath {
            // AsyncHTTPClient takes the socket path percent-encoded as the host of `http+unix`.
            return socketPath.addingPercentEncoding(withAllowedCharacters: .urlHostAllowed).map { "http+unix://\($0)" }
        }
        return port.map { "http://127.0.0.1:\($0)" }
    }
}
