import Synchronization

/// "Something the route table or a service's readiness depends on changed": fired by the
/// backends and the API, heard by every subscriber (the route publisher, the status observer) and
/// by every deploy waiting for its replicas. Created first, so the backends and the listeners can
/// all hold it.
public final class ChangeSignal: Sendable {
    private let state = Mutex(State())

    private struct State {
        /// How many changes were fired: a waiter that saw N wakes when it is past N.
        var version = 0
        var nextID = 0
        var subscribers: [Int: AsyncStream<Void>.Continuation] = [:]
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        /// Waiters cancelled before they were registered.
        var abandoned: Set<Int> = []

        mutating func makeID() -> Int {
            defer { nextID += 1 }
            return nextID
        }
    }

    public init() {}

    /// Records a change and wakes everyone listening.
    public func fire() {
        let (subscribers, waiters) = state.withLock { state in
            state.version += 1
            defer { state.waiters.removeAll() }
            return (Array(state.subscribers.values), Array(state.waiters.values))
        }
        for subscriber in subscribers { subscriber.yield() }
        for waiter in waiters { waiter.resume() }
    }

    /// Changes from now on, bursts coalesced: a subscriber that is busy when several arrive hears
    /// one. For long-lived listeners; subscribe before reading the state the changes are about.
    func subscribe() -> AsyncStream<Void> {
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state in
            let id = state.makeID()
            state.subscribers[id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return changes
    }

    /// The number of changes so far: read it before reading the state the changes are about, then
    /// `wait(after:upTo:)` with it.
    var version: Int { state.withLock { $0.version } }

    /// Returns when a change after `version` was fired, or after `timeout`, whichever is first.
    func wait(after version: Int, upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.change(after: version) }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
        }
    }

    private func change(after version: Int) async {
        let id = state.withLock { $0.makeID() }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.version > version || state.abandoned.remove(id) != nil { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.abandoned.insert(id)
                return nil
            }
            waiter?.resume()
        }
        // Cancelled after a change woke it: nothing is left to abandon.
        _ = state.withLock { $0.abandoned.remove(id) }
    }
}
