import BerthCore
import BerthTLS
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTPS proxy Azure's SDK sends its blob uploads through (`HTTPS_PROXY`): the SDK insists on
/// `https://<account>.blob.<suffix>/`, a name no DNS resolves, so it asks this proxy to
/// `CONNECT` there, and the proxy is that host itself — it terminates TLS with a certificate for
/// the blob host minted from the workspace CA (which the client trusts through
/// `REQUESTS_CA_BUNDLE`) and answers the blob protocol (`BlobRoutes`) inside the tunnel.
///
/// It listens on loopback, tunnels to nowhere else, and limits connections and how long a client
/// may take to say where it goes.
///
/// ```swift
/// let proxy = try BlobProxy(
///     configuration: .init(), blobs: blobs, authority: try .loadOrCreate(in: tlsFolder), logger: logger,
///     onListening: { port in print("HTTPS_PROXY=http://127.0.0.1:\(port)") })
/// try await proxy.run()
/// ```
struct BlobProxy: Service {
    /// Where the proxy listens and its limits.
    struct Configuration: Sendable {
        /// Listen address. Default 127.0.0.1: the SDK runs on this machine.
        var host = "127.0.0.1"
        /// Listen port; 0 lets the OS pick. Default 0.
        var port = 0
        /// Connections served at once; more wait in the listen backlog. Default 64.
        var maxConnections = 64
        /// How long a client has to send its CONNECT request. Default 10 s.
        var connectTimeout: Duration = .seconds(10)
        /// How long a tunnel may sit without a request (the TLS handshake included). Default 60 s.
        var idleTimeout: Duration = .seconds(60)

        init(host: String = "127.0.0.1", port: Int = 0) {
            self.host = host
            self.port = port
        }
    }

    let configuration: Configuration
    let blobs: AzureBlobs
    let logger: Logger
    /// Called with the bound port once the proxy listens.
    let onListening: @Sendable (Int) -> Void
    private let tls: ReloadingTLSContext

    /// A proxy serving `blobs` behind a certificate for their blob host, minted now from `authority`
    /// and kept for the proxy's lifetime (a year's validity).
    ///
    /// - Throws: `TLSError` when the certificate cannot be made.
    init(
        configuration: Configuration, blobs: AzureBlobs, authority: WorkspaceCertificateAuthority, logger: Logger,
        onListening: @escaping @Sendable (Int) -> Void = { _ in }
    ) throws {
        let issued = try authority.issueServerCertificate(dnsNames: [blobs.identity.blobHost])
        let identity = try TLSServerIdentity(
            certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM)
        self.tls = ReloadingTLSContext(identity: identity, logger: logger)
        self.configuration = configuration
        self.blobs = blobs
        self.logger = logger
        self.onListening = onListening
    }

    func run() async throws {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        router.add(middleware: BlobResponseMiddleware(logger: logger))
        BlobRoutes(blobs: blobs).add(to: router)
        let configuration = self.configuration
        let (blobHost, tls, logger, onListening) = (blobs.identity.blobHost, self.tls, self.logger, self.onListening)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                BlobTunnelChannel(
                    http: HTTP1Channel(
                        responder: responder, configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
                    blobHost: blobHost, tls: tls, connectTimeout: TimeAmount(configuration.connectTimeout))
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info(
                    "Blob proxy listening",
                    metadata: ["url": "http://\(configuration.host):\(port)", "blob.host": "\(blobHost)"])
                onListening(port)
            },
            logger: logger)
        try await app.run()
    }
}
