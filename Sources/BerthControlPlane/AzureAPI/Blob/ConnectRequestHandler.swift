import BerthTLS
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// The first request on a blob proxy connection: `CONNECT <blob host>:<port>` is answered
/// `200 Connection Established` and the connection becomes a TLS tunnel to the blob routes
/// (served with the blob host's certificate); anything else is answered and closed.
///
/// The proxy tunnels to the workspace's blob host only, never onwards: it must not become an open
/// proxy. A client that has not sent its CONNECT within the timeout is cut off.
final class ConnectRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    /// Why a connection did not become a tunnel (answered already; for the log only).
    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    private let blobHost: String
    private let decoder: ByteToMessageHandler<HTTPRequestDecoder>
    private let tls: ReloadingTLSContext
    private let http: HTTP1Channel
    private let timeout: TimeAmount
    private let logger: Logger
    private let tunnel: EventLoopPromise<HTTP1Channel.Value>
    private var isAccepted = false
    private var isFinished = false
    private var timer: Scheduled<Void>?

    /// - Parameters:
    ///   - decoder: the HTTP decoder in front of this handler, removed with it once tunnelling.
    ///   - tunnel: completed with the HTTP channel inside the tunnel, or failed when refused.
    init(
        blobHost: String, decoder: ByteToMessageHandler<HTTPRequestDecoder>, tls: ReloadingTLSContext,
        http: HTTP1Channel, timeout: TimeAmount, logger: Logger, tunnel: EventLoopPromise<HTTP1Channel.Value>
    ) {
        self.blobHost = blobHost.lowercased()
        self.decoder = decoder
        self.tls = tls
        self.http = http
        self.timeout = timeout
        self.logger = logger
        self.tunnel = tunnel
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            refuse(context, "408 Request Timeout", "No CONNECT request arrived in time.")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        finish(failing: Refused(description: "the connection ended before its CONNECT"))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isFinished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head) where head.method != .CONNECT:
            refuse(
                context, "405 Method Not Allowed",
                "This is the blob upload proxy of a Berth workspace: it answers CONNECT \(blobHost):<port> only. "
                    + "Set it as HTTPS_PROXY, not HTTP_PROXY.", extraHeaders: "Allow: CONNECT\r\n")
        case .head(let head) where !Self.isTunnel(to: blobHost, target: head.uri):
            refuse(
                context, "403 Forbidden",
                "This proxy tunnels only to the workspace's blob host \(blobHost), not to '\(head.uri)'; "
                    + "exclude other hosts from HTTPS_PROXY with NO_PROXY.")
        case .head:
            isAccepted = true
        case .body:
            break
        case .end:
            if isAccepted { openTunnel(context) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(failing: Refused(description: "the client closed the connection before its CONNECT"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request the HTTP decoder cannot parse, usually: nothing to answer it with.
        finish(failing: Refused(description: "unreadable request: \(error)"))
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server shuts down: a connection still waiting for its CONNECT has nothing to finish.
        if event is ChannelShouldQuiesceEvent {
            finish(failing: Refused(description: "the server shuts down"))
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Answers 200, then puts TLS where the HTTP decoder was (bytes the client sent early go on
    /// to it) and Hummingbird's HTTP/1.1 channel behind it.
    private func openTunnel(_ context: ChannelHandlerContext) {
        isFinished = true
        timer?.cancel()
        // Written before TLS is in the pipeline: the answer to CONNECT is plain text.
        context.writeAndFlush(
            wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 200 Connection Established\r\n\r\n")), promise: nil)
        let channel = context.channel
        let pipeline = context.pipeline.syncOperations
        do {
            try pipeline.addHandler(tls.makeServerHandler(), position: .after(decoder))
            pipeline.removeHandler(decoder, promise: nil)
            pipeline.removeHandler(context: context, promise: nil)
            http.setup(channel: channel, logger: logger).cascade(to: tunnel)
        } catch {
            tunnel.fail(error)
            channel.close(promise: nil)
        }
    }

    private func refuse(
        _ context: ChannelHandlerContext, _ status: String, _ message: String, extraHeaders: String = ""
    ) {
        guard !isFinished else { return }
        finish(failing: Refused(description: "\(status): \(message)"))
        let body = message + "\n"
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\(extraHeaders)\r\n"
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body))).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func finish(failing error: Refused) {
        guard !isFinished else { return }
        isFinished = true
        timer?.cancel()
        tunnel.fail(error)
    }

    /// Whether a CONNECT target (`host:port`) is the blob host, on any port (the SDK keeps a port
    /// given in the storage suffix).
    static func isTunnel(to blobHost: String, target: String) -> Bool {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65535).contains(port)
        else { return false }
        return target[..<colon].lowercased() == blobHost.lowercased()
    }
}
