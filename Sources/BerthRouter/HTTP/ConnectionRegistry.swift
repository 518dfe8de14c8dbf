import NIOCore
import Synchronization

/// The router's open client connections, so graceful shutdown can ask each to finish its current
/// response and close (`ChannelShouldQuiesceEvent`, which NIO's HTTP pipeline handler honours:
/// idle connections close at once, busy ones after their response).
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var isQuiescing = false
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
            _ = state.withLock { $0.channels.removeValue(forKey: id) }
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

    private static func quiesce(_ channel: any Channel) {
        channel.eventLoop.execute {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }
}
