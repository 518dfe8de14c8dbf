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
    /// The most connections tracked at once (`Router.Configuration.maxConnections`).
    let maxConnections: Int

    init(maxConnections: Int = .max) {
        self.maxConnections = maxConnections
    }

    /// Tracks `channel` until it closes; a connection accepted during shutdown is quiesced at once.
    ///
    /// - Returns: false, tracking nothing, when `maxConnections` are open already: the caller
    ///   refuses the connection.
    func add(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        enum Outcome { case tracked, quiescing, full }
        let outcome = state.withLock { state -> Outcome in
            if state.isQuiescing { return .quiescing }
            guard state.channels.count < maxConnections else { return .full }
            state.channels[id] = channel
            return .tracked
        }
        switch outcome {
        case .full:
            return false
        case .quiescing:
            Self.quiesce(channel)
            return true
        case .tracked:
            break
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
        return true
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
