import BerthCore
import BerthTLS
import Foundation

extension ControlPlane {
    /// Starts the blob proxy in `group` and waits until it listens, so `server.json` can name it;
    /// nil when `Configuration.sdkProxyPort` is nil (or the proxy ended before listening, in which
    /// case its error ends the group).
    ///
    /// Its certificate comes from the workspace CA (`$BERTH_HOME/tls`, the one `--ssl-self-signed`
    /// uses), made on first use: the file SDK users point `REQUESTS_CA_BUNDLE` at.
    func startBlobProxy(in group: inout ThrowingDiscardingTaskGroup<any Error>) async throws -> String? {
        guard let port = configuration.sdkProxyPort else { return nil }
        let authority = try WorkspaceCertificateAuthority.loadOrCreate(
            in: configuration.workspace.root.appendingPathComponent("tls", isDirectory: true))
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let proxy = try BlobProxy(
            configuration: .init(port: port), blobs: blobs, authority: authority, logger: logger,
            onListening: { port in
                listening.yield(port)
                listening.finish()
            })
        group.addTask {
            defer { listening.finish() }
            try await proxy.run()
        }
        for await port in ports { return "http://\(proxy.configuration.host):\(port)" }
        return nil
    }
}
