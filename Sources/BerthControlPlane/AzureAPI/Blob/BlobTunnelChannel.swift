import BerthTLS
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// One client connection of the blob proxy, as Hummingbird's server runs it: `CONNECT` first
/// (`ConnectRequestHandler`), then TLS with the blob host's certificate, then `http` — the blob
/// routes over HTTP/1.1 — inside the tunnel.
///
/// Setting up returns at once with the tunnel still to come, so a slow client never holds up the
/// connections accepted after it.
struct BlobTunnelChannel: ServerChildChannel {
    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// The HTTP channel inside the tunnel; failed when the connection was refused.
        let tunnel: EventLoopFuture<HTTP1Channel.Value>
    }

    let http: HTTP1Channel
    let blobHost: String
    let tls: ReloadingTLSContext
    /// How long a client has to send its CONNECT.
    let connectTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let tunnel = channel.eventLoop.makePromise(of: HTTP1Channel.Value.self)
            let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
            let connect = ConnectRequestHandler(
                blobHost: blobHost, decoder: decoder, tls: tls, http: http, timeout: connectTimeout, logger: logger,
                tunnel: tunnel)
            try channel.pipeline.syncOperations.addHandler(decoder)
            try channel.pipeline.syncOperations.addHandler(connect)
            return Value(channel: channel, tunnel: tunnel.futureResult)
        }
    }

    func handle(value: Value, logger: Logger) async {
        let http: HTTP1Channel.Value
        do {
            http = try await value.tunnel.get()
        } catch {
            logger.debug("Blob proxy connection refused", metadata: ["reason": "\(error)"])
            return
        }
        await self.http.handle(value: http, logger: logger)
    }
}
