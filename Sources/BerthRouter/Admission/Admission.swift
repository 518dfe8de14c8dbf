import BerthCore
import NIOCore
import Synchronization

/// The live side of `AdmissionStateMachine`: it holds the machine in a `Mutex`, runs the
/// resumptions it returns after unlocking, and lets a request wait for a slot without a task.
///
/// A waiting request is an `EventLoopPromise` on its client connection's event loop plus a timer
/// on that loop for `maxQueueWaitMs`; the common path takes the lock once and returns at once.
final class Admission<C: Clock>: Sendable where C.Duration == Duration {
    typealias Machine = AdmissionStateMachine<C.Instant, EventLoopPromise<AdmissionOutcome>>

    /// The answer to `acquire`: an outcome now, or a future that completes on the caller's event
    /// loop, and the token `cancel` takes.
    enum Acquired {
        case done(AdmissionOutcome)
        case waiting(token: UInt64, EventLoopFuture<AdmissionOutcome>)
    }

    private struct State {
        var machine: Machine
        var nextToken: UInt64 = 0
    }

    private let state: Mutex<State>
    private let clock: C
    /// `Policy.unreachableReplicaBackoff`, read without the lock.
    private let unreachableReplicaBackoff: Duration
    /// Moves on after each applied table, so a `RouteCache` knows when its copy is stale.
    private let routeVersion = Atomic<UInt64>(0)

    /// - Parameter clock: reads `now` for deadlines (`ContinuousClock` in service); the wait itself
    ///   is timed by the event loop's scheduler.
    init(policy: Machine.Policy, clock: C) {
        state = Mutex(State(machine: Machine(policy: policy)))
        self.clock = clock
        self.unreachableReplicaBackoff = policy.unreachableReplicaBackoff
    }

    /// Swaps in `table` unless it is older than the one in use.
    ///
    /// - Returns: whether it was applied.
    func update(_ table: RouteTable) -> Bool {
        let now = clock.now
        let result = state.withLock { $0.machine.apply(table, now: now) }
        if result.applied { routeVersion.add(1, ordering: .releasing) }
        run(result.resumptions)
        return result.applied
    }

    /// The version of the routes: it moves on whenever a table is applied. Read without a lock.
    var currentRouteVersion: UInt64 { routeVersion.load(ordering: .acquiring) }

    /// The routes of the table in use, and a version they are at least as new as (read before them,
    /// so a table applied meanwhile makes the next `currentRouteVersion` differ).
    func routes() -> (version: UInt64, routes: [String: ServiceRoute]) {
        let version = currentRouteVersion
        return (version, state.withLock { $0.machine.routes })
    }

    /// The current load snapshot.
    func load() -> RouterLoad {
        state.withLock { $0.machine.load() }
    }

    /// A slot on a replica of service `name`, or a future for one that completes on `eventLoop`
    /// within the service's `maxQueueWaitMs` (with `.overloaded` when the wait runs out).
    func acquire(service name: String, on eventLoop: any EventLoop) -> Acquired {
        let now = clock.now
        let deadline: C.Instant
        switch state.withLock({ $0.machine.acquire(service: name, now: now) }) {
        case .done(let outcome):
            return .done(outcome)
        case .mustWait(let until):
            deadline = until
        }
        let promise = eventLoop.makePromise(of: AdmissionOutcome.self)
        let (token, immediate) = state.withLock { state -> (UInt64, Machine.Resumption?) in
            state.nextToken &+= 1
            let token = state.nextToken
            let immediate = state.machine.enqueue(
                service: name, token: token, waiter: promise, deadline: deadline, now: now)
            return (token, immediate)
        }
        if let immediate {
            immediate.waiter.succeed(immediate.outcome)
            return .waiting(token: token, promise.futureResult)
        }
        let timer = eventLoop.scheduleTask(in: TimeAmount(now.duration(to: deadline))) { [self] in
            let now = clock.now
            if let resumption = state.withLock({ $0.machine.expire(service: name, token: token, now: now) }) {
                resumption.waiter.succeed(resumption.outcome)
            }
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return .waiting(token: token, promise.futureResult)
    }

    /// Takes waiting request `token` out of the queue (its client went away); its future completes
    /// with `.cancelled` unless it was admitted already.
    func cancel(service name: String, token: UInt64) {
        if let resumption = state.withLock({ $0.machine.cancel(service: name, token: token) }) {
            resumption.waiter.succeed(resumption.outcome)
        }
    }

    /// Gives a slot back (see `AdmissionStateMachine.release`).
    func release(_ lease: AdmissionLease, replicaWasBusy: Bool = false) {
        let now = clock.now
        run(state.withLock { $0.machine.release(lease, replicaWasBusy: replicaWasBusy, now: now) })
    }

    /// Gives back the slot of a request whose connection to the replica could not be made: the
    /// replica is passed over for `Policy.unreachableReplicaBackoff`, and when that ends a timer
    /// on `eventLoop` looks at the service's waiters again, since a lone replica that is back
    /// (and has the same address) gets no release or new table to hand it to them.
    func releaseUnreachable(_ lease: AdmissionLease, wakingWaitersOn eventLoop: any EventLoop) {
        let now = clock.now
        run(state.withLock { $0.machine.release(lease, replicaWasUnreachable: true, now: now) })
        // A millisecond late, so the clock read then is past the backoff whatever the scheduler's rounding.
        let wait = TimeAmount(unreachableReplicaBackoff + .milliseconds(1))
        eventLoop.scheduleTask(in: wait) { [self] in
            let now = clock.now
            run(state.withLock { $0.machine.admitWaiting(service: lease.service, now: now) })
        }
    }

    private func run(_ resumptions: [Machine.Resumption]) {
        for resumption in resumptions { resumption.waiter.succeed(resumption.outcome) }
    }
}
