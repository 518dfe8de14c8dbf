import NIOCore
import Synchronization

/// The router's open client connections, so graceful shutdown can ask each to finish its current
/// response and close (`ChannelShouldQuiesceEvent`, which NIO's HTTP pipeline handler honours:
/// idle connections close at once, busy ones after their response), and wait until all closed.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var isQuiescing = false
        /// Waiting in `allClosed()` until no connection is open.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Tracks `channel` until it closes; a connection accepted during shutdown is quiesced at once.
    func add(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let isQuiescing = state.withLock { state -> Bool in
            if !state.isQuiescing { state.channels[id] = channel }
            return state.isQuiescing
        }
        if isQuiescing {
            Self.quiesce(channel)
            return
        }
        channel.closeFuture.whenComplete { [self] _ in
            let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.channels.removeValue(forKey: id)
                guard state.channels.isEmpty else { return [] }
                defer { state.waiters.removeAll() }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Asks every open connection to close once its current response is written.
    func quiesceAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.isQuiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { Self.quiesce(channel) }
    }

    /// Closes every open connection now (the router's task was cancelled).
    func closeAll() {
        let channels = state.withLock { state -> [any Channel] in
            state.isQuiescing = true
            return Array(state.channels.values)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    /// Returns once no connection is open; call after `quiesceAll()` or `closeAll()`.
    func allClosed() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.channels.isEmpty { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    private static func quiesce(_ channel: any Channel) {
        channel.eventLoop.execute {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }
}
