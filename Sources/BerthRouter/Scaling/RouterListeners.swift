import NIOCore
import Synchronization

/// The router's listening sockets, one per event-loop thread that takes new connections (all
/// bound to the same port with `SO_REUSEPORT`, so the kernel spreads connections over them).
/// Scaling down closes the last one; its open connections stay on their thread until they end,
/// but connections the kernel queued on that socket and nobody accepted yet are reset (Linux
/// does not move them to the other sockets), so a client may see one refused connection then.
/// Touched only when the thread count changes and at shutdown, never per request.
final class RouterListeners: Sendable {
    private struct State {
        var channels: [any Channel] = []
        var isStopped = false
    }

    private let state = Mutex(State())

    /// Listening sockets open now.
    var count: Int { state.withLock { $0.channels.count } }

    /// Whether graceful shutdown began (no listener may be added any more).
    var isStopped: Bool { state.withLock { $0.isStopped } }

    /// Keeps `channel`; closes it at once and returns false when the router is stopping.
    func add(_ channel: any Channel) -> Bool {
        let added = state.withLock { state -> Bool in
            if state.isStopped { return false }
            state.channels.append(channel)
            return true
        }
        if !added { channel.close(promise: nil) }
        return added
    }

    /// Closes the most recently added listener, keeping at least one; returns once it is closed,
    /// so a client that connects after the thread count was recorded is not reset by it.
    func removeLast() async {
        let channel = state.withLock { state -> (any Channel)? in
            state.channels.count > 1 ? state.channels.removeLast() : nil
        }
        try? await channel?.close()
    }

    /// Closes every listener and refuses new ones.
    func closeAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.isStopped = true
            defer { state.channels.removeAll() }
            return state.channels
        }
        for channel in channels { channel.close(promise: nil) }
    }
}
