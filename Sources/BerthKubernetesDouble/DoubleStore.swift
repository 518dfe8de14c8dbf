import BerthCore
import Foundation
import Synchronization

/// `DoubleState` behind a lock: every call changes the state under the lock and delivers the
/// resulting watch events after releasing it.
final class DoubleStore: Sendable {
    private let state = Mutex(DoubleState())

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

    func list(_ kind: DoubleKind, namespace: String?, selector: DoubleLabelSelector) -> (items: [JSONValue], version: Int) {
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
        try run { (state: inout DoubleState) throws(DoubleStatus) in
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
    func delete(_ kind: DoubleKind, namespace: String?, name: String, force: Bool = false) throws(DoubleStatus) -> JSONValue {
        try run { (state: inout DoubleState) throws(DoubleStatus) in
            try state.delete(kind, namespace: namespace, name: name, force: force)
        }
    }

    /// A stream of the changes after `version` to `kind` objects matching `selector`; the stream
    /// ends when `stop` is called with the returned id.
    func watch(_ kind: DoubleKind, namespace: String?, selector: DoubleLabelSelector, after version: Int?)
        throws(DoubleStatus) -> (id: Int, events: AsyncStream<DoubleState.Event>)
    {
        let (stream, continuation) = AsyncStream<DoubleState.Event>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        let watcher = DoubleState.Watcher(
            plural: kind.plural, namespace: namespace, selector: selector, continuation: continuation)
        let (id, replay) = try state.withLock { (state: inout DoubleState) throws(DoubleStatus) in
            try state.addWatcher(watcher, after: version)
        }
        for event in replay { continuation.yield(event) }
        return (id, stream)
    }

    func stopWatching(_ id: Int) {
        state.withLock { $0.removeWatcher(id) }
    }
}
