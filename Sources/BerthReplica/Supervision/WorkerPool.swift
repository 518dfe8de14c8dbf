import BerthCore
import BerthMetrics
import Foundation
import Logging
import NIOCore
import Synchronization

/// A scoring request on its way to a worker, and the promise its HTTP connection waits on.
struct ScoringJob: Sendable {
    var request: WorkerRequest
    var promise: EventLoopPromise<WorkerReply>
    /// Where the job's steps are timed for its spans; nil when the replica does not trace.
    var trace: ScoringTrace? = nil
}

/// What `/ready` reports: whether every worker finished `init()`, and each worker slot.
struct PoolSnapshot: Sendable {
    struct Worker: Sendable {
        var slot: Int
        var pid: Int32?
        var state: String
        var lastError: String?
        /// Failures in a row (init() raised or the worker exited); 0 once it serves.
        var failures: Int
    }

    var isReady: Bool
    var workers: [Worker]
}

/// Supervises the replica's worker processes and hands scoring requests to them.
///
/// The decisions live in `WorkerPoolStateMachine`, held in a `Mutex`; this class turns events
/// (HTTP requests, frames, process exits, clock ticks) into calls on it and runs the returned
/// actions after the lock is released. Requests never wait on an actor or a task: `submit` runs
/// on the HTTP connection's event loop and the answer completes the job's promise.
final class WorkerPool: Sendable {
    private typealias Machine = WorkerPoolStateMachine<ScoringJob, ContinuousClock.Instant>

    private struct State {
        var machine: Machine
        var processes: [WorkerProcess?]
        var swagger: ByteBuffer?
    }

    private let state: Mutex<State>
    private let launch: WorkerLaunch
    private let group: any EventLoopGroup
    private let logger: Logger
    private let clock = ContinuousClock()
    /// How often deadlines (scoring timeout, restart back-off, exit grace) are checked.
    private let tickInterval: Duration
    /// Failures in a row of one worker after which `run()` gives up (see `ReplicaHost.Configuration`).
    private let exitAfterWorkerFailures: Int?
    /// Where crashes, restarts and init() failures are counted; nil counts nothing.
    private let metrics: ReplicaMetrics?

    init(
        policy: WorkerPoolStateMachine<ScoringJob, ContinuousClock.Instant>.Policy,
        launch: WorkerLaunch,
        group: any EventLoopGroup,
        logger: Logger,
        exitAfterWorkerFailures: Int? = nil,
        metrics: ReplicaMetrics? = nil
    ) {
        self.exitAfterWorkerFailures = exitAfterWorkerFailures
        self.metrics = metrics
        self.state = Mutex(
            State(
                machine: Machine(policy: policy), processes: Array(repeating: nil, count: policy.workerCount),
                swagger: nil))
        self.launch = launch
        self.group = group
        self.logger = logger
        self.tickInterval = min(.milliseconds(50), policy.scoringTimeout / 4)
    }

    /// The swagger document the workers reported, if the script declares one.
    var swagger: ByteBuffer? { state.withLock { $0.swagger } }

    /// Readiness and the state of every worker slot.
    var snapshot: PoolSnapshot {
        state.withLock { state in
            PoolSnapshot(
                isReady: state.machine.isReady && !state.machine.isShuttingDown,
                workers: state.machine.slots.enumerated().map { index, slot in
                    PoolSnapshot.Worker(
                        slot: index, pid: slot.pid, state: slot.state.name, lastError: slot.lastError,
                        failures: slot.failures)
                })
        }
    }

    // MARK: Requests

    /// Admits `job` or fails its promise at once (429 when `maxConcurrent` are in flight).
    func submit(_ job: ScoringJob) {
        let (action, process) = state.withLock { state -> (Machine.SubmitAction, WorkerProcess?) in
            let action = state.machine.submit(job, now: clock.now)
            guard case .dispatch(let dispatch) = action else { return (action, nil) }
            return (action, state.processes[dispatch.worker.slot])
        }
        switch action {
        case .dispatch(let dispatch): send(dispatch, to: process)
        case .queued: break
        case .reject(let job, let failure): job.promise.fail(failure)
        }
    }

    // MARK: Life cycle

    /// Starts the workers and enforces deadlines until shutdown finished; on cancellation it
    /// kills every worker before it returns.
    func run() async throws {
        for worker in state.withLock({ $0.machine.start() }) { await spawn(worker) }
        do {
            while true {
                try await clock.sleep(for: tickInterval)
                let (actions, stopped) = state.withLock { state in
                    let actions = state.machine.tick(now: clock.now).map { ($0, process(of: $0, in: state)) }
                    return (actions, state.machine.isStopped)
                }
                for (action, process) in actions { await run(action, process: process) }
                if stopped { break }
                if let reason = gaveUp() { throw BerthError(.internalError, reason) }
            }
        } catch {
            forceStop()
            throw error
        }
        logger.info("All workers stopped")
    }

    /// Stops admitting requests; after the admitted ones are answered the workers' stdin closes
    /// and `run()` returns once they exited (or were killed after the grace period).
    func beginShutdown() {
        let closing = state.withLock { state in
            state.machine.beginShutdown(now: clock.now).compactMap { state.processes[$0.slot] }
        }
        logger.info("Shutting down: finishing requests in flight, then stopping workers")
        for process in closing { process.closeInput() }
    }

    /// Kills every worker now and fails their requests; for the replica's last exit paths.
    func forceStop() {
        let (processes, failed) = state.withLock { state in
            let (workers, failed) = state.machine.forceStop()
            return (workers.compactMap { state.processes[$0.0.slot] }, failed)
        }
        for process in processes { process.kill() }
        for job in failed { job.promise.fail(ScoringFailure.shuttingDown) }
    }

    // MARK: Worker events

    private func spawn(_ worker: WorkerID) async {
        do {
            let process = try await WorkerProcess.spawn(
                id: worker, launch: launch, group: group,
                onMessage: { [self] worker, message in received(message, from: worker) },
                onExit: { [self] worker, reason in exited(worker, reason: reason) })
            let isCurrent = state.withLock { state in
                guard state.machine.slots[worker.slot].generation == worker.generation,
                    case .starting = state.machine.slots[worker.slot].state
                else { return false }
                state.machine.workerSpawned(worker, pid: process.pid)
                state.processes[worker.slot] = process
                return true
            }
            guard isCurrent else {
                process.kill()
                return
            }
            logger.info("\(worker) started", metadata: ["worker.pid": "\(process.pid)"])
            process.startReading()
        } catch {
            logger.error("\(worker) could not be started: \(error)")
            exited(worker, reason: "could not start: \(error)")
        }
    }

    private func received(_ message: Result<WorkerMessage, any Error>, from worker: WorkerID) {
        switch message {
        case .success(.response(let jobID, let reply)):
            let (progress, next, closing) = state.withLock { state in
                let progress = state.machine.workerResponded(worker, jobID: jobID, now: clock.now)
                return (
                    progress, state.processes[worker.slot], progress.closeInput.flatMap { state.processes[$0.slot] }
                )
            }
            progress.complete?.trace?.replied(reply)
            progress.complete?.promise.succeed(reply)
            if let dispatch = progress.dispatch { send(dispatch, to: next) }
            closing?.closeInput()
        case .success(.ready(let swagger, _)):
            let (progress, process) = state.withLock { state in
                if let swagger, state.swagger == nil { state.swagger = swagger }
                return (state.machine.workerReady(worker, now: clock.now), state.processes[worker.slot])
            }
            logger.info("\(worker) ready: init() succeeded", metadata: ["worker.pid": "\(process?.pid ?? 0)"])
            if let dispatch = progress.dispatch { send(dispatch, to: process) }
            if progress.closeInput != nil { process?.closeInput() }
        case .success(.initFailed(let error)):
            state.withLock { $0.machine.workerInitFailed(worker, error: error) }
            metrics?.initFailures.increment()
            logger.error("\(worker) init() failed: \(summary(of: error))")
        case .failure(let error):
            let process = state.withLock { $0.processes[worker.slot] }
            logger.error("\(worker) broke the protocol and is killed: \(error)")
            if process?.id == worker { process?.kill() }
        }
    }

    private func exited(_ worker: WorkerID, reason: String) {
        let (action, pid, shuttingDown) = state.withLock { state in
            let shuttingDown = state.machine.isShuttingDown
            var pid: Int32?
            if let process = state.processes[worker.slot], process.id == worker {
                pid = process.pid
                state.processes[worker.slot] = nil
            }
            let action = state.machine.workerExited(worker, reason: reason, now: clock.now)
            return ((action, action.closeInputs.compactMap { state.processes[$0.slot] }), pid, shuttingDown)
        }
        if !shuttingDown { metrics?.crashes.increment() }
        if action.0.restartDelay != nil { metrics?.restarts.increment() }
        var message = "\(worker) exited (\(reason))"
        if let delay = action.0.restartDelay { message += "; restarting in \(delay)" }
        logger.info("\(message)", metadata: ["worker.pid": "\(pid ?? 0)"])
        action.0.fail?.0.promise.fail(action.0.fail!.1)
        for job in action.0.failQueued { job.promise.fail(ScoringFailure.noHealthyWorker) }
        for process in action.1 { process.closeInput() }
    }

    // MARK: Helpers

    /// Why the replica gives up: a worker that failed `exitAfterWorkerFailures` times in a row.
    private func gaveUp() -> String? {
        guard let limit = exitAfterWorkerFailures else { return nil }
        guard
            let worker = snapshot.workers.first(where: {
                $0.failures >= limit && $0.state != "ready" && $0.state != "busy"
            })
        else { return nil }
        let error = worker.lastError.map { summary(of: $0) } ?? "no reason recorded"
        return "The replica gives up: worker \(worker.slot) failed \(worker.failures) times in a row (\(error))."
    }

    private func process(of action: Machine.Action, in state: State) -> WorkerProcess? {
        switch action {
        case .kill(let worker, _), .closeInput(let worker):
            guard let process = state.processes[worker.slot], process.id == worker else { return nil }
            return process
        case .spawn, .fail:
            return nil
        }
    }

    private func run(_ action: Machine.Action, process: WorkerProcess?) async {
        switch action {
        case .spawn(let worker): await spawn(worker)
        case .kill(let worker, _):
            logger.warning(
                "\(worker) is killed: it exceeded its deadline", metadata: ["worker.pid": "\(process?.pid ?? 0)"])
            process?.kill()
        case .closeInput: process?.closeInput()
        case .fail(let job, let failure): job.promise.fail(failure)
        }
    }

    private func send(_ dispatch: Machine.Dispatch, to process: WorkerProcess?) {
        guard let process, process.id == dispatch.worker else {
            // Cannot happen: a slot is only ready once its process is registered. Fail safe.
            logger.error("\(dispatch.worker) has no process to send a request to")
            dispatch.job.promise.fail(ScoringFailure.workerCrashed)
            return
        }
        dispatch.job.trace?.dispatched()
        process.send(dispatch.job.request, jobID: dispatch.jobID)
    }
}

/// The line of a Python traceback that says what went wrong: its last non-empty line.
func summary(of error: String) -> String {
    let lines = error.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
    return lines.last(where: { !$0.isEmpty }) ?? error
}
