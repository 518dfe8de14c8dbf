import BerthTLS
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import Testing

/// Runs `body` with a new empty folder under the system's temporary folder, removed afterwards.
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("berth-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try await body(folder)
}

/// The POSIX permission bits of the file or folder at `url`.
func permissions(of url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return try #require(attributes[.posixPermissions] as? Int)
}

/// Runs a TLS echo server on 127.0.0.1 (an OS-chosen port) whose connections take their TLS
/// handler from `tls`, for the duration of `body`.
func withEchoServer<T>(tls: ReloadingTLSContext, _ body: (Int) async throws -> T) async throws -> T {
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .childChannelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
                try channel.pipeline.syncOperations.addHandler(EchoHandler())
            }
        }
        .bind(host: "127.0.0.1", port: 0)
        .get()
    do {
        let result = try await body(try #require(server.localAddress?.port))
        try await server.close()
        return result
    } catch {
        try? await server.close()
        throw error
    }
}

/// Writes back whatever arrives.
private final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

/// Records the protocol ALPN settled on when the handshake completes (nil when none, or when
/// the connection closes before the handshake completes).
private final class ALPNRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let negotiated: EventLoopPromise<String?>

    init(negotiated: EventLoopPromise<String?>) {
        self.negotiated = negotiated
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiatedProtocol) = event as? TLSUserEvent {
            negotiated.succeed(negotiatedProtocol)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        negotiated.succeed(nil)
    }
}

/// One TLS client connection to a test server.
final class TLSTestConnection {
    let channel: any Channel
    /// The ALPN protocol the handshake settled on.
    let negotiatedProtocol: EventLoopFuture<String?>
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    init(
        channel: any Channel, negotiatedProtocol: EventLoopFuture<String?>,
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.channel = channel
        self.negotiatedProtocol = negotiatedProtocol
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Sends `text` and returns what comes back, once as many bytes have arrived.
    func echo(_ text: String) async throws -> String {
        try await outbound.write(ByteBuffer(string: text))
        var received = ByteBuffer()
        while received.readableBytes < text.utf8.count {
            guard var chunk = try await inbound.next() else { break }
            received.writeBuffer(&chunk)
        }
        return String(buffer: received)
    }

    /// The certificate the server presented.
    func peerCertificate() async throws -> NIOSSLCertificate? {
        try await channel.nioSSL_peerCertificate().get()
    }
}

/// Connects to 127.0.0.1:`port` as "localhost", trusting only `caPEM` (and with any changes
/// `adjust` makes to the client configuration), and runs `body` with the connection, which is
/// closed afterwards.
func withTLSClient<T>(
    port: Int, trusting caPEM: String, adjust: (inout TLSConfiguration) -> Void = { _ in },
    _ body: (TLSTestConnection) async throws -> T
) async throws -> T {
    var configuration = try TLSConfiguration.makeClientConfiguration(trustingCertificateAuthorityPEM: caPEM)
    adjust(&configuration)
    let context = try NIOSSLContext(configuration: configuration)
    let (client, negotiated) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let negotiated = channel.eventLoop.makePromise(of: String?.self)
                let handler = try NIOSSLClientHandler(context: context, serverHostname: "localhost")
                try channel.pipeline.syncOperations.addHandler(handler)
                try channel.pipeline.syncOperations.addHandler(ALPNRecorder(negotiated: negotiated))
                let asyncChannel = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                return (asyncChannel, negotiated.futureResult)
            }
        }
    return try await client.executeThenClose { inbound, outbound in
        try await body(
            TLSTestConnection(
                channel: client.channel, negotiatedProtocol: negotiated, inbound: inbound, outbound: outbound))
    }
}

/// The first certificate of `pem` as NIOSSL sees it, to compare with what a client was shown.
func firstCertificate(of pem: String) throws -> NIOSSLCertificate {
    try #require(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)).first)
}

/// A workspace CA in `folder`, a "localhost" certificate it issued written to `server.pem` and
/// `server-key.pem` there, and a context serving those files.
func servedLocalhostFiles(in folder: URL) throws -> (
    authority: WorkspaceCertificateAuthority, chainURL: URL, keyURL: URL, tls: ReloadingTLSContext
) {
    let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
    let chainURL = folder.appendingPathComponent("server.pem")
    let keyURL = folder.appendingPathComponent("server-key.pem")
    try authority.issueServerCertificate(dnsNames: ["localhost"]).write(
        certificateChainTo: chainURL, privateKeyTo: keyURL)
    return (authority, chainURL, keyURL, try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL))
}
