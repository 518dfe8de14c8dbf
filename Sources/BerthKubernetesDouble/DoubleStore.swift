import BerthCore
import Foundation
import Synchronization

/// `DoubleState` behind a lock: every call changes the state under the lock and delivers the
/// resulting watch events after releasing it.
final class DoubleStore: Sendable {
    private let state: Mutex<DoubleState>
    /// Objects whose next replaces meet a concurrent write first, and how many of them.
    private let conflicts = Mutex<[DoubleObjectKey: Int]>([:])
    /// The requests answered, newest last (`METHOD path?query`), for tests to see how Berth asked.
    private let requests = Mutex<[String]>([])

    init(namespaceTerminationSeconds: Double = 0, serverHasSleepAction: Bool = true) {
        var initial = DoubleState()
        initial.namespaceTerminationSeconds = namespaceTerminationSeconds
        initial.serverHasSleepAction = serverHasSleepAction
        state = Mutex(initial)
    }

    private func run<T: Sendable>(_ body: (inout DoubleState) throws(DoubleStatus) -> (T, DoubleState.Deliveries))
        throws(DoubleStatus) -> T
    {
        let (result, deliveries) = try state.withLock { (state: inout DoubleState) throws(DoubleStatus) in
            try body(&state)
        }
        for (continuation, event) in deliveries { continuation.yield(event) }
        return result
    }

    var resourceVersion: Int { state.withLock { $0.resourceVersion } }

    func object(_ kind: DoubleKind, namespace: String?, name: String) -> JSONValue? {
        state.withLock { $0.object(kind, namespace: namespace, name: name) }
    }

    func list(_ kind: DoubleKind, namespace: String?, selector: DoubleLabelSelector) -> (
        items: [JSONValue], version: Int
    ) {
        state.withLock { ($0.list(kind, namespace: namespace, selector: selector), $0.resourceVersion) }
    }

    @discardableResult
    func create(_ kind: DoubleKind, namespace: String?, _ body: JSONValue) throws(DoubleStatus) -> JSONValue {
        try run { (state: inout DoubleState) throws(DoubleStatus) in
            try state.create(kind, namespace: namespace, body, now: Date())
        }
    }

    @discardableResult
    func replace(_ kind: DoubleKind, namespace: String?, name: String, _ body: JSONValue) throws(DoubleStatus)
        -> JSONValue
    {
        let key = DoubleState.key(kind, namespace: namespace, name: name)
        let interfere = conflicts.withLock { pending -> Bool in
            guard let left = pending[key], left > 0 else { return false }
            pending[key] = left > 1 ? left - 1 : nil
            return true
        }
        if interfere {
            // Another writer gets there first: the replace then carries a stale resourceVersion.
            _ = try? patch(
                kind, namespace: namespace, name: name,
                ["metadata": ["annotations": ["double.berth.dev/concurrent-write": "1"]]])
        }
        return try run { (state: inout DoubleState) throws(DoubleStatus) in
            try state.replace(kind, namespace: namespace, name: name, body)
        }
    }

    @discardableResult
    func patch(_ kind: DoubleKind, namespace: String?, name: String, _ patch: JSONValue) throws(DoubleStatus)
        -> JSONValue
    {
        try run { (state: inout DoubleState) throws(DoubleStatus) in
            try state.patch(kind, namespace: namespace, name: name, patch)
        }
    }

    @discardableResult
    func delete(_ kind: DoubleKind, namespace: String?, name: String, force: Bool = false) throws(DoubleStatus)
        -> JSONValue
    {
        try run { (state: inout DoubleState) throws(DoubleStatus) in
            try state.delete(kind, namespace: namespace, name: name, force: force)
        }
    }

    /// A stream of the changes after `version` to `kind` objects matching `selector`; the stream
    /// ends when `stop` is called with the returned id.
    func watch(_ kind: DoubleKind, namespace: String?, selector: DoubleLabelSelector, after version: Int?)
        throws(DoubleStatus) -> (id: Int, events: AsyncStream<DoubleState.Event>)
    {
        let (stream, continuation) = AsyncStream<DoubleState.Event>.makeStream(
            bufferingPolicy: .bufferingNewest(10_000))
        let watcher = DoubleState.Watcher(
            plural: kind.plural, namespace: namespace, selector: selector, continuation: continuation)
        let (id, replay) = try state.withLock { (state: inout DoubleState) throws(DoubleStatus) in
            try state.addWatcher(watcher, after: version)
        }
        for event in replay { continuation.yield(event) }
        return (id, stream)
    }

    /// Makes the next `times` replaces of this object meet a concurrent write, so each fails with 409.
    func conflictOnNextReplace(_ kind: DoubleKind, namespace: String?, name: String, times: Int) {
        conflicts.withLock { $0[DoubleState.key(kind, namespace: namespace, name: name), default: 0] += times }
    }

    /// Ends every open watch with an in-stream 410 (see `DoubleState.expireWatches`).
    func expireWatches(forgettingHistory: Bool) {
        let continuations = state.withLock { $0.expireWatches(forgettingHistory: forgettingHistory) }
        for continuation in continuations {
            continuation.yield(DoubleState.expiredEvent("too old resource version: the watch cache moved on"))
            continuation.finish()
        }
    }

    /// Removes namespaces whose termination is over.
    func finalizeNamespaces() {
        _ = try? run { (state: inout DoubleState) throws(DoubleStatus) in ((), state.finalizeNamespaces(now: Date())) }
    }

    func record(request: String) {
        requests.withLock {
            $0.append(request)
            if $0.count > 10_000 { $0.removeFirst($0.count - 10_000) }
        }
    }

    var requestLog: [String] { requests.withLock { $0 } }

    func stopWatching(_ id: Int) {
        state.withLock { $0.removeWatcher(id) }
    }
}
