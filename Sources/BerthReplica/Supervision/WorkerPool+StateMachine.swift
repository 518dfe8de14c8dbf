import BerthCore
import NIOCore

/// One worker process: its slot and which start of that slot it is.
///
/// Events of an earlier generation (a late frame or exit of a process already replaced) are
/// recognised by the generation and ignored.
struct WorkerID: Hashable, Sendable, CustomStringConvertible {
    var slot: Int
    var generation: Int

    var description: String { "worker-\(slot)" }
}

/// Why an admitted or refused scoring request did not get a worker's answer.
enum ScoringFailure: Error, Hashable, Sendable {
    /// `maxConcurrent` requests are already in flight (429).
    case overloaded
    /// The replica is shutting down and takes no new requests (503).
    case shuttingDown
    /// The worker that held the request died (502).
    case workerCrashed
    /// The worker's `run()` exceeded the scoring timeout; the worker is killed (504).
    case timedOut
    /// No worker became free within the scoring timeout (504).
    case timedOutWaiting
    /// Every worker is failing (init() raised, or it keeps exiting), so none will take the
    /// request soon (503).
    case noHealthyWorker
}

/// The pure state of a replica's worker slots and the requests admitted to them.
///
/// It decides, and the `WorkerPool` that owns it acts: every mutating method returns what to do
/// (spawn, send, kill, complete, fail), which the owner runs after releasing its lock. Time comes
/// in as `now`, so tests drive it with a manual clock and never sleep.
///
/// Slot life: `starting → ready ⇄ busy`, and on a failure `→ backoff(until:) → starting`;
/// `starting → initFailed → (exit) → backoff`; a timed-out `busy → killing → (exit) → starting`;
/// at shutdown `→ closing → stopped`.
struct WorkerPoolStateMachine<Job, Instant: InstantProtocol> where Instant.Duration == Duration {
    /// The limits the machine enforces.
    struct Policy {
        var workerCount: Int
        var maxConcurrent: Int
        var scoringTimeout: Duration
        var backoff: RestartBackoff
        /// A worker that stayed up this long has its failure count forgiven when it dies.
        var stablePeriod: Duration = .seconds(10)
        /// How long a worker may take to exit after its stdin closed at shutdown before SIGKILL.
        var exitGracePeriod: Duration = .seconds(10)
    }

    enum SlotState {
        case notStarted
        case starting
        case initFailed
        case ready(since: Instant)
        case busy(jobID: UInt64, job: Job, deadline: Instant, readySince: Instant)
        case killing
        case closing(deadline: Instant)
        case backoff(until: Instant)
        case stopped
    }

    struct Slot {
        var state: SlotState = .notStarted
        var generation = 0
        var pid: Int32?
        var failures = 0
        /// The last `init()` error or unexpected exit, for `/ready`.
        var lastError: String?
    }

    /// A request sent to a worker.
    struct Dispatch {
        var worker: WorkerID
        var jobID: UInt64
        var job: Job
    }

    /// What to do after `submit`.
    enum SubmitAction {
        case dispatch(Dispatch)
        case queued
        case reject(Job, ScoringFailure)
    }

    /// What to do after a worker answered or became ready.
    struct ProgressAction {
        var complete: Job?
        var dispatch: Dispatch?
        var closeInput: WorkerID?
    }

    /// What to do after a worker process ended.
    struct ExitAction {
        var fail: (Job, ScoringFailure)?
        /// Queued requests failed because no worker is left that could take them soon.
        var failQueued: [Job] = []
        var restartDelay: Duration?
        var closeInputs: [WorkerID] = []
    }

    /// Actions of the periodic tick and of shutdown.
    enum Action {
        case spawn(WorkerID)
        case kill(WorkerID, pid: Int32?)
        case closeInput(WorkerID)
        case fail(Job, ScoringFailure)
    }

    private struct Queued {
        var jobID: UInt64
        var job: Job
        var deadline: Instant
    }

    let policy: Policy
    private(set) var slots: [Slot]
    private var queue = CircularBuffer<Queued>()
    /// Requests admitted and not yet answered: queued plus busy.
    private(set) var inFlight = 0
    private(set) var isShuttingDown = false
    private var nextJobID: UInt64 = 1

    init(policy: Policy) {
        precondition(policy.workerCount > 0 && policy.maxConcurrent > 0, "validated by ReplicaHost.Configuration")
        self.policy = policy
        self.slots = Array(repeating: Slot(), count: policy.workerCount)
    }

    /// Whether every slot has a live worker whose `init()` succeeded.
    var isReady: Bool {
        slots.allSatisfy {
            switch $0.state {
            case .ready, .busy: true
            default: false
            }
        }
    }

    /// Whether shutdown finished: every worker process has ended.
    var isStopped: Bool {
        slots.allSatisfy {
            if case .stopped = $0.state { return true }
            return false
        }
    }

    // MARK: Start-up and process events

    /// Starts every slot's first worker.
    mutating func start() -> [WorkerID] {
        guard !isShuttingDown else { return [] }
        return slots.indices.compactMap { slot in
            guard case .notStarted = slots[slot].state else { return nil }
            return startSlot(slot)
        }
    }

    /// The process of `worker` runs as `pid`.
    mutating func workerSpawned(_ worker: WorkerID, pid: Int32) {
        guard isCurrent(worker) else { return }
        slots[worker.slot].pid = pid
    }

    /// `worker` finished `init()`; it takes the oldest queued request, if any.
    mutating func workerReady(_ worker: WorkerID, now: Instant) -> ProgressAction {
        guard isCurrent(worker), case .starting = slots[worker.slot].state else { return ProgressAction() }
        slots[worker.slot].lastError = nil
        return becomeIdle(worker, readySince: now, now: now)
    }

    /// `worker`'s `init()` raised; the worker exits next (code 3) and the exit schedules a restart.
    mutating func workerInitFailed(_ worker: WorkerID, error: String) {
        guard isCurrent(worker), case .starting = slots[worker.slot].state else { return }
        slots[worker.slot].state = .initFailed
        slots[worker.slot].lastError = error
    }

    /// `worker` answered request `jobID`.
    mutating func workerResponded(_ worker: WorkerID, jobID: UInt64, now: Instant) -> ProgressAction {
        guard isCurrent(worker), case .busy(let busyID, let job, _, let readySince) = slots[worker.slot].state,
            busyID == jobID
        else { return ProgressAction() }
        inFlight -= 1
        slots[worker.slot].failures = 0
        var action = becomeIdle(worker, readySince: readySince, now: now)
        action.complete = job
        return action
    }

    /// The process of `worker` ended (or could not be started), with `reason` for the log.
    mutating func workerExited(_ worker: WorkerID, reason: String, now: Instant) -> ExitAction {
        guard isCurrent(worker) else { return ExitAction() }
        var slot = slots[worker.slot]
        var action = ExitAction()
        slot.pid = nil
        switch slot.state {
        case .notStarted, .stopped, .backoff:
            return action
        case .closing:
            slot.state = .stopped
            slots[worker.slot] = slot
            return action
        case .killing:
            // Killed for a scoring timeout: the script is slow, not broken; restart at once.
            break
        case .busy(_, let job, _, let readySince):
            inFlight -= 1
            action.fail = (job, .workerCrashed)
            slot.lastError = "The worker exited while it served a request (\(reason))."
            slot.failures = readySince.duration(to: now) >= policy.stablePeriod ? 1 : slot.failures + 1
        case .ready(let since):
            slot.lastError = "The worker exited while idle (\(reason))."
            slot.failures = since.duration(to: now) >= policy.stablePeriod ? 1 : slot.failures + 1
        case .starting:
            slot.lastError = "The worker exited before init() completed (\(reason))."
            slot.failures += 1
        case .initFailed:
            slot.failures += 1
        }
        if isShuttingDown && inFlight == 0 {
            slot.state = .stopped
        } else {
            let delay = policy.backoff.delay(afterFailures: slot.failures)
            slot.state = .backoff(until: now.advanced(by: delay))
            action.restartDelay = delay
        }
        slots[worker.slot] = slot
        if isShuttingDown { action.closeInputs = drainIfIdle(now: now) }
        if hasNoHealthyWorker {
            action.failQueued = queue.map(\.job)
            inFlight -= queue.count
            queue.removeAll()
        }
        return action
    }

    // MARK: Requests

    /// Admits `job` if fewer than `maxConcurrent` requests are in flight, sending it to an idle
    /// worker or queueing it until one is free.
    mutating func submit(_ job: Job, now: Instant) -> SubmitAction {
        if isShuttingDown { return .reject(job, .shuttingDown) }
        if inFlight >= policy.maxConcurrent { return .reject(job, .overloaded) }
        if hasNoHealthyWorker { return .reject(job, .noHealthyWorker) }
        inFlight += 1
        let jobID = nextJobID
        nextJobID &+= 1
        for index in slots.indices {
            if case .ready(let since) = slots[index].state {
                let worker = WorkerID(slot: index, generation: slots[index].generation)
                slots[index].state = .busy(
                    jobID: jobID, job: job, deadline: now.advanced(by: policy.scoringTimeout), readySince: since)
                return .dispatch(Dispatch(worker: worker, jobID: jobID, job: job))
            }
        }
        queue.append(Queued(jobID: jobID, job: job, deadline: now.advanced(by: policy.scoringTimeout)))
        return .queued
    }

    // MARK: Time and shutdown

    /// Enforces deadlines: kills workers past the scoring timeout, fails requests that waited too
    /// long, restarts slots whose back-off elapsed, and kills workers that ignore shutdown.
    mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        while let first = queue.first, first.deadline <= now {
            queue.removeFirst()
            inFlight -= 1
            actions.append(.fail(first.job, .timedOutWaiting))
        }
        for index in slots.indices {
            let worker = WorkerID(slot: index, generation: slots[index].generation)
            switch slots[index].state {
            case .busy(_, let job, let deadline, _) where deadline <= now:
                inFlight -= 1
                slots[index].state = .killing
                actions.append(.fail(job, .timedOut))
                actions.append(.kill(worker, pid: slots[index].pid))
            case .backoff(let until) where until <= now:
                actions.append(.spawn(startSlot(index)))
            case .closing(let deadline) where deadline <= now:
                actions.append(.kill(worker, pid: slots[index].pid))
            default:
                break
            }
        }
        if isShuttingDown { actions += drainIfIdle(now: now).map { .closeInput($0) } }
        return actions
    }

    /// Stops admitting requests; once the admitted ones are answered, workers get EOF on stdin.
    mutating func beginShutdown(now: Instant) -> [WorkerID] {
        isShuttingDown = true
        return drainIfIdle(now: now)
    }

    /// Every process still alive, to SIGKILL when the replica must end now.
    mutating func forceStop() -> (workers: [(WorkerID, Int32?)], failed: [Job]) {
        isShuttingDown = true
        var failed = queue.map(\.job)
        queue.removeAll()
        var workers: [(WorkerID, Int32?)] = []
        for index in slots.indices {
            if case .busy(_, let job, _, _) = slots[index].state { failed.append(job) }
            switch slots[index].state {
            case .notStarted, .stopped, .backoff: break
            default: workers.append((WorkerID(slot: index, generation: slots[index].generation), slots[index].pid))
            }
            slots[index].state = .stopped
        }
        inFlight = 0
        return (workers, failed)
    }

    // MARK: Helpers

    /// Whether every slot is failing: its worker failed (init() raised or it exited) and it is
    /// not yet serving again. A first start, or a restart after a scoring timeout, is not failing.
    var hasNoHealthyWorker: Bool {
        slots.allSatisfy { slot in
            switch slot.state {
            case .starting, .initFailed, .backoff: slot.failures > 0
            case .notStarted, .ready, .busy, .killing, .closing, .stopped: false
            }
        }
    }

    private func isCurrent(_ worker: WorkerID) -> Bool {
        slots.indices.contains(worker.slot) && slots[worker.slot].generation == worker.generation
    }

    private mutating func startSlot(_ index: Int) -> WorkerID {
        slots[index].generation += 1
        slots[index].state = .starting
        slots[index].pid = nil
        return WorkerID(slot: index, generation: slots[index].generation)
    }

    private mutating func becomeIdle(_ worker: WorkerID, readySince: Instant, now: Instant) -> ProgressAction {
        if let next = queue.popFirst() {
            slots[worker.slot].state = .busy(
                jobID: next.jobID, job: next.job, deadline: now.advanced(by: policy.scoringTimeout), readySince: readySince)
            return ProgressAction(dispatch: Dispatch(worker: worker, jobID: next.jobID, job: next.job))
        }
        slots[worker.slot].state = .ready(since: readySince)
        if isShuttingDown && inFlight == 0 {
            slots[worker.slot].state = .closing(deadline: now.advanced(by: policy.exitGracePeriod))
            return ProgressAction(closeInput: worker)
        }
        return ProgressAction()
    }

    /// At shutdown with nothing in flight: close every live worker's stdin, stop waiting slots.
    private mutating func drainIfIdle(now: Instant) -> [WorkerID] {
        guard isShuttingDown, inFlight == 0 else { return [] }
        var closed: [WorkerID] = []
        for index in slots.indices {
            switch slots[index].state {
            case .notStarted, .backoff:
                slots[index].state = .stopped
            case .starting, .initFailed, .ready:
                slots[index].state = .closing(deadline: now.advanced(by: policy.exitGracePeriod))
                closed.append(WorkerID(slot: index, generation: slots[index].generation))
            case .busy, .killing, .closing, .stopped:
                break
            }
        }
        return closed
    }
}

extension WorkerPoolStateMachine.SlotState {
    /// A short stable name for `/ready` and logs.
    var name: String {
        switch self {
        case .notStarted: "notStarted"
        case .starting: "starting"
        case .initFailed: "initFailed"
        case .ready: "ready"
        case .busy: "busy"
        case .killing: "killing"
        case .closing: "stopping"
        case .backoff: "restarting"
        case .stopped: "stopped"
        }
    }
}
