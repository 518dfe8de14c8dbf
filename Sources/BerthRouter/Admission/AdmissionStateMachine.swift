import BerthCore

/// The router's shared hot-path state as a pure value: the route-table snapshot, the requests in
/// flight on every replica and each service's admission queue.
///
/// It does no I/O and reads no clock: callers pass `now`, and every mutating method returns what
/// must happen next (which waiters to resume, with what), so `Admission` runs those resumptions
/// after releasing its lock and tests drive the policy with plain instants.
///
/// Policy (azureml-fe, compat.md §9): a request goes to the ready replica with the fewest requests
/// in flight; a replica is full at `maxConcurrentRequestsPerContainer`; when all are full the
/// request waits in its service's bounded FIFO queue until a replica frees up or
/// `maxQueueWaitMs` passes (then 503).
struct AdmissionStateMachine<Instant: InstantProtocol, Waiter> where Instant.Duration == Duration {
    /// Limits that are the router's own rather than a service's.
    struct Policy: Sendable {
        /// Requests that may wait per service; one more is refused at once.
        var maxQueuedRequestsPerService: Int = 1024
        /// How long a replica that answered 429 counts as full, unless one of its requests ends first.
        var busyReplicaBackoff: Duration = .milliseconds(50)
        /// How long a replica that refused a connection is passed over, unless the table gives its
        /// id a new address first: it has died or is restarting, and until the route table drops
        /// it, every request sent its way would fail to connect and have to be sent elsewhere.
        var unreachableReplicaBackoff: Duration = .seconds(1)
    }

    /// The answer to `acquire`: done at once, or wait in the queue until `deadline`.
    enum Acquisition: Hashable, Sendable {
        case done(AdmissionOutcome)
        case mustWait(deadline: Instant)
    }

    /// Resume `waiter` with `outcome` once the lock is released.
    struct Resumption {
        var waiter: Waiter
        var outcome: AdmissionOutcome
    }

    private struct Replica {
        var endpoint: ReplicaEndpoint
        var inFlight: Int = 0
        /// Set when the replica answered 429 although the router counted room on it.
        var busyUntil: Instant?
        /// Set when a connection to the replica could not be made (`Policy.unreachableReplicaBackoff`).
        var unreachableUntil: Instant?
    }

    private struct Queued {
        var token: UInt64
        var waiter: Waiter
        var deadline: Instant
    }

    /// A service's admission state; its route is in `routes`, of which only the two limits that
    /// admission applies are copied here.
    private struct ServiceState {
        /// The route's `maxConcurrentRequestsPerContainer`, at least 1.
        var maxConcurrent: Int
        /// The route's `maxQueueWaitMs`, at least zero.
        var maxQueueWait: Duration
        var replicas: [Replica]
        var queue: [Queued] = []
        /// Where the next tie-break scan starts, so idle replicas share the load in turn.
        var cursor: Int = 0
    }

    let policy: Policy
    /// The generation of the table in use; nil until the first one arrives.
    private(set) var generation: UInt64?
    private var services: [String: ServiceState] = [:]
    /// The table's routes by service, apart from `services`: routes are read for every request, and
    /// reading a `ServiceState` out of its dictionary would copy all of it (replicas and queue too).
    private(set) var routes: [String: ServiceRoute] = [:]

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    // MARK: Route table

    /// Swaps in `table` unless it is older than the one in use; requests in flight keep their
    /// replica's count, queued requests move to replicas that now have room.
    ///
    /// - Returns: whether the table was applied, and the waiters to resume.
    mutating func apply(_ table: RouteTable, now: Instant) -> (applied: Bool, resumptions: [Resumption]) {
        if let generation, table.generation < generation { return (false, []) }
        generation = table.generation
        var resumptions: [Resumption] = []
        var next: [String: ServiceState] = [:]
        next.reserveCapacity(table.services.count)
        for (name, route) in table.services {
            let old = services.removeValue(forKey: name)
            var kept: [String: Replica] = [:]
            for replica in old?.replicas ?? [] { kept[replica.endpoint.id] = replica }
            var state = ServiceState(
                maxConcurrent: max(1, route.maxConcurrentRequestsPerContainer),
                maxQueueWait: .milliseconds(max(0, route.maxQueueWaitMs)),
                replicas: route.replicas.map { endpoint in
                    var replica = kept[endpoint.id] ?? Replica(endpoint: endpoint)
                    // The same id at a new address is a new process (a restarted replica): it is tried.
                    if replica.endpoint != endpoint { replica.unreachableUntil = nil }
                    replica.endpoint = endpoint
                    return replica
                })
            state.queue = old?.queue ?? []
            state.cursor = old?.cursor ?? 0
            next[name] = state
        }
        // Services that left the table: their waiters learn at once instead of at their deadline.
        for (_, removed) in services {
            for queued in removed.queue {
                resumptions.append(Resumption(waiter: queued.waiter, outcome: .unknownService))
            }
        }
        services = next
        routes = table.services
        for name in services.keys { admitQueued(service: name, now: now, into: &resumptions) }
        return (true, resumptions)
    }

    /// The route of service `name` in the current table.
    func route(named name: String) -> ServiceRoute? {
        routes[name]
    }

    // MARK: Admission

    /// A slot for a new request on service `name`, or how long it may wait for one.
    mutating func acquire(service name: String, now: Instant) -> Acquisition {
        guard let slot = services.index(forKey: name) else { return .done(.unknownService) }
        if let lease = Self.pick(&services.values[slot], service: name, now: now) {
            return .done(.assigned(lease))
        }
        let state = services.values[slot]
        if state.queue.count >= policy.maxQueuedRequestsPerService {
            return .done(.overloaded(.queueFull(limit: policy.maxQueuedRequestsPerService)))
        }
        if state.maxQueueWait == .zero { return .done(.overloaded(Self.reason(state, now: now))) }
        return .mustWait(deadline: now.advanced(by: state.maxQueueWait))
    }

    /// Puts a request that got `.mustWait` in its service's queue, unless things changed since:
    /// then it returns the resumption to run at once.
    mutating func enqueue(
        service name: String, token: UInt64, waiter: Waiter, deadline: Instant, now: Instant
    ) -> Resumption? {
        guard let slot = services.index(forKey: name) else {
            return Resumption(waiter: waiter, outcome: .unknownService)
        }
        if let lease = Self.pick(&services.values[slot], service: name, now: now) {
            return Resumption(waiter: waiter, outcome: .assigned(lease))
        }
        if now >= deadline {
            return Resumption(waiter: waiter, outcome: .overloaded(Self.reason(services.values[slot], now: now)))
        }
        if services.values[slot].queue.count >= policy.maxQueuedRequestsPerService {
            return Resumption(
                waiter: waiter, outcome: .overloaded(.queueFull(limit: policy.maxQueuedRequestsPerService)))
        }
        services.values[slot].queue.append(Queued(token: token, waiter: waiter, deadline: deadline))
        return nil
    }

    /// The deadline of request `token` passed: if it still waits, it gets its 503.
    mutating func expire(service name: String, token: UInt64, now: Instant) -> Resumption? {
        guard let state = services[name] else { return nil }
        return remove(service: name, token: token).map {
            Resumption(waiter: $0.waiter, outcome: .overloaded(Self.reason(state, now: now)))
        }
    }

    /// Hands the replicas of service `name` that are no longer passed over (their backoff ended)
    /// to its waiters: room can open without any request ending, and a waiter would otherwise
    /// wait for the next release or table, or its deadline.
    mutating func admitWaiting(service name: String, now: Instant) -> [Resumption] {
        var resumptions: [Resumption] = []
        admitQueued(service: name, now: now, into: &resumptions)
        return resumptions
    }

    /// The waiting request `token` was cancelled: it leaves the queue.
    mutating func cancel(service name: String, token: UInt64) -> Resumption? {
        remove(service: name, token: token).map { Resumption(waiter: $0.waiter, outcome: .cancelled) }
    }

    /// Gives a slot back; the freed room goes to the oldest waiter that can use it.
    ///
    /// - Parameters:
    ///   - replicaWasBusy: the replica answered 429, so it counts as full for
    ///     `policy.busyReplicaBackoff` or until another of its requests ends.
    ///   - replicaWasUnreachable: no connection could be made to the replica, so it is passed over
    ///     for `policy.unreachableReplicaBackoff`, or until the table gives its id a new address.
    ///     Marked before the freed room is handed on, so no waiter is sent there.
    mutating func release(
        _ lease: AdmissionLease, replicaWasBusy: Bool = false, replicaWasUnreachable: Bool = false, now: Instant
    ) -> [Resumption] {
        guard let slot = services.index(forKey: lease.service) else { return [] }
        let busyUntil = replicaWasBusy ? now.advanced(by: policy.busyReplicaBackoff) : nil
        let unreachableUntil = replicaWasUnreachable ? now.advanced(by: policy.unreachableReplicaBackoff) : nil
        guard
            Self.giveBack(
                lease, busyUntil: busyUntil, unreachableUntil: unreachableUntil, to: &services.values[slot])
        else { return [] }
        var resumptions: [Resumption] = []
        admitQueued(service: lease.service, now: now, into: &resumptions)
        return resumptions
    }

    /// Counts `lease`'s request out of its replica; returns whether requests wait for room.
    ///
    /// `state` is modified in place through the dictionary's storage: reading
    /// `services.values[slot]` instead would copy the whole service state on every release.
    private static func giveBack(
        _ lease: AdmissionLease, busyUntil: Instant?, unreachableUntil: Instant?, to state: inout ServiceState
    ) -> Bool {
        guard let index = state.replicas.firstIndex(where: { $0.endpoint.id == lease.replica.id }) else { return false }
        state.replicas[index].inFlight = max(0, state.replicas[index].inFlight - 1)
        state.replicas[index].busyUntil = busyUntil
        // Only the process the lease was for: a successor at a new address under the same id is not marked.
        if let unreachableUntil, state.replicas[index].endpoint == lease.replica {
            state.replicas[index].unreachableUntil = unreachableUntil
        }
        return !state.queue.isEmpty
    }

    // MARK: Load

    /// Requests in flight and queued, per service and per replica.
    func load() -> RouterLoad {
        var result = RouterLoad(generation: generation ?? 0)
        for (name, state) in services {
            result.services[name] = ServiceLoad(
                name: name,
                queued: state.queue.count,
                maxConcurrentRequestsPerContainer: state.maxConcurrent,
                replicas: state.replicas.map { ReplicaLoad(id: $0.endpoint.id, inFlight: $0.inFlight) })
        }
        return result
    }

    // MARK: Internals

    /// Hands free slots of service `name` to its waiters, oldest first.
    private mutating func admitQueued(service name: String, now: Instant, into resumptions: inout [Resumption]) {
        guard var state = services[name], !state.queue.isEmpty else { return }
        while let queued = state.queue.first, let lease = Self.pick(&state, service: name, now: now) {
            state.queue.removeFirst()
            resumptions.append(Resumption(waiter: queued.waiter, outcome: .assigned(lease)))
        }
        services[name] = state
    }

    private mutating func remove(service name: String, token: UInt64) -> Queued? {
        guard var state = services[name], let index = state.queue.firstIndex(where: { $0.token == token }) else {
            return nil
        }
        let queued = state.queue.remove(at: index)
        services[name] = state
        return queued
    }

    /// The replica with the fewest requests in flight that has room and was not found busy or
    /// unreachable lately; ties go round-robin.
    private static func pick(_ state: inout ServiceState, service name: String, now: Instant) -> AdmissionLease? {
        let count = state.replicas.count
        guard count > 0 else { return nil }
        let limit = state.maxConcurrent
        var best: Int?
        for step in 0..<count {
            let index = (state.cursor + step) % count
            let replica = state.replicas[index]
            if replica.inFlight >= limit { continue }
            if let busyUntil = replica.busyUntil, now < busyUntil { continue }
            if let unreachableUntil = replica.unreachableUntil, now < unreachableUntil { continue }
            if best == nil || replica.inFlight < state.replicas[best!].inFlight { best = index }
        }
        guard let chosen = best else { return nil }
        state.replicas[chosen].inFlight += 1
        state.cursor = (chosen + 1) % count
        return AdmissionLease(service: name, replica: state.replicas[chosen].endpoint)
    }

    private static func reason(_ state: ServiceState, now: Instant) -> OverloadReason {
        if state.replicas.isEmpty { return .noReadyReplica }
        if state.replicas.allSatisfy({ $0.unreachableUntil.map { now < $0 } ?? false }) {
            return .noReachableReplica(replicas: state.replicas.count)
        }
        return .allReplicasBusy(replicas: state.replicas.count, maxConcurrent: state.maxConcurrent)
    }
}

extension AdmissionStateMachine.Resumption: Sendable where Waiter: Sendable {}
