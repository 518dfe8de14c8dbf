import BerthCore
import Synchronization

/// The live side of `AdmissionStateMachine`: it holds the machine in a `Mutex`, runs the
/// resumptions it returns after unlocking, and makes a request wait for a slot.
///
/// Waiting costs one child task (the deadline timer) inside a task group, only for requests that
/// find every replica full; the common path takes the lock once and never suspends.
final class Admission<C: Clock>: Sendable where C.Duration == Duration {
    typealias Machine = AdmissionStateMachine<C.Instant, CheckedContinuation<AdmissionOutcome, Never>>

    private struct State {
        var machine: Machine
        var nextToken: UInt64 = 0
    }

    private let state: Mutex<State>
    private let clock: C

    /// - Parameter clock: reads `now` for deadlines and sleeps until them (`ContinuousClock` in service).
    init(policy: Machine.Policy, clock: C) {
        state = Mutex(State(machine: Machine(policy: policy)))
        self.clock = clock
    }

    /// Swaps in `table` unless it is older than the one in use.
    ///
    /// - Returns: whether it was applied.
    func update(_ table: RouteTable) -> Bool {
        let now = clock.now
        let result = state.withLock { $0.machine.apply(table, now: now) }
        run(result.resumptions)
        return result.applied
    }

    /// The route of service `name`, or nil when the table has no such service.
    func route(named name: String) -> ServiceRoute? {
        state.withLock { $0.machine.route(named: name) }
    }

    /// Whether service `name` has a ready replica other than `id`.
    func hasReplica(service name: String, otherThan id: String) -> Bool {
        state.withLock { $0.machine.hasReplica(service: name, otherThan: id) }
    }

    /// The current load snapshot.
    func load() -> RouterLoad {
        state.withLock { $0.machine.load() }
    }

    /// A slot on a replica of service `name`, waiting up to its `maxQueueWaitMs` when all are full.
    func acquire(service name: String, excluding: String? = nil) async -> AdmissionOutcome {
        let now = clock.now
        switch state.withLock({ $0.machine.acquire(service: name, excluding: excluding, now: now) }) {
        case .done(let outcome):
            return outcome
        case .mustWait(let deadline):
            return await wait(service: name, excluding: excluding, deadline: deadline)
        }
    }

    /// Gives a slot back (see `AdmissionStateMachine.release`).
    func release(_ lease: AdmissionLease, replicaWasBusy: Bool = false) {
        let now = clock.now
        run(state.withLock { $0.machine.release(lease, replicaWasBusy: replicaWasBusy, now: now) })
    }

    private func wait(service name: String, excluding: String?, deadline: C.Instant) async -> AdmissionOutcome {
        let token = state.withLock { state -> UInt64 in
            state.nextToken &+= 1
            return state.nextToken
        }
        return await withTaskGroup(of: Void.self) { group in
            // The timer may fire before the request is queued only if queueing happens after the
            // deadline; `enqueue` sees that and answers at once, so no waiter is ever stranded.
            group.addTask {
                do {
                    try await self.clock.sleep(until: deadline, tolerance: nil)
                } catch {
                    return  // Admitted (or cancelled) before the deadline.
                }
                if let resumption = self.state.withLock({ $0.machine.expire(service: name, token: token) }) {
                    resumption.waiter.resume(returning: resumption.outcome)
                }
            }
            let outcome = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let now = clock.now
                    let immediate = state.withLock {
                        $0.machine.enqueue(
                            service: name, token: token, waiter: continuation, deadline: deadline,
                            excluding: excluding, now: now)
                    }
                    immediate?.waiter.resume(returning: immediate!.outcome)
                }
            } onCancel: {
                if let resumption = self.state.withLock({ $0.machine.cancel(service: name, token: token) }) {
                    resumption.waiter.resume(returning: resumption.outcome)
                }
            }
            group.cancelAll()
            return outcome
        }
    }

    private func run(_ resumptions: [Machine.Resumption]) {
        for resumption in resumptions { resumption.waiter.resume(returning: resumption.outcome) }
    }
}
