import BerthTLS
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The admin API's HTTP/1.1 channel behind TLS whose certificate renews without a restart: each
/// new connection takes the context's current certificate (HummingbirdTLS fixes one
/// configuration at start, so this small wrapper stands in for it).
struct ReloadingTLSChannel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let base: HTTP1Channel
    let tls: ReloadingTLSContext

    var responder: HTTPChannelHandler.Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with `additionalChannelHandlers`, behind TLS from `tls` when given.
    static func http1(
        tls: ReloadingTLSContext?, additionalChannelHandlers: @escaping @Sendable () -> [any RemovableChannelHandler]
    )
        -> HTTPServerBuilder
    {
        guard let tls else {
            return .http1(configuration: .init(additionalChannelHandlers: additionalChannelHandlers()))
        }
        return HTTPServerBuilder { responder in
            ReloadingTLSChannel(
                base: HTTP1Channel(
                    responder: responder, configuration: .init(additionalChannelHandlers: additionalChannelHandlers())),
                tls: tls)
        }
    }
}
