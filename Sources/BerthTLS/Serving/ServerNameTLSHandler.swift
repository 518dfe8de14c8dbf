import NIOCore
import NIOSSL
import NIOTLS

/// The first handler of a connection to a listener that serves certificates by server name:
/// it looks at the first byte the client sends and, for a TLS handshake, reads the name the
/// client asks for (SNI) and puts the TLS handler for that name's certificate in place; other
/// bytes stay plain HTTP when the listener allows it, and close the connection when it does not.
///
/// It then leaves the pipeline, so a connection pays for it once, at its start.
package final class ServerNameTLSHandler: ChannelInboundHandler, RemovableChannelHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = ByteBuffer

    /// The name the SNI reader has in the pipeline, for placing the TLS handler after it.
    static let serverNameReaderName = "berth.tls.server-name"

    private let certificates: ServerNameCertificates
    /// The listener's own certificate, for names that match no registered one; nil: plain HTTP
    /// is allowed and a TLS client must name a registered certificate (or there is only one).
    private let fallback: ReloadingTLSContext?

    package init(certificates: ServerNameCertificates, fallback: ReloadingTLSContext?) {
        self.certificates = certificates
        self.fallback = fallback
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        // 22: a TLS record of type handshake, which every ClientHello starts with.
        if first == 22 {
            let channel = context.channel
            let reader = ByteToMessageHandler(
                SNIHandler { [certificates, fallback] result in
                    channel.eventLoop.makeCompletedFuture {
                        let name: String? = if case .hostname(let host) = result { host } else { nil }
                        guard let tls = certificates.makeServerHandler(serverName: name, fallback: fallback) else {
                            // No certificate fits and there is no default: nothing to answer with.
                            channel.close(promise: nil)
                            return
                        }
                        let operations = channel.pipeline.syncOperations
                        let reader = try operations.context(name: Self.serverNameReaderName).handler
                        try operations.addHandler(tls, position: .after(reader))
                    }
                })
            do {
                try context.pipeline.syncOperations.addHandler(
                    reader, name: Self.serverNameReaderName, position: .after(self))
            } catch {
                context.close(promise: nil)
                return
            }
        } else if fallback != nil {
            // A listener that speaks only TLS: plain bytes get no answer a client could misread.
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
