import AsyncHTTPClient
import BerthCore
import BerthTLS
public import Foundation
import NIOSSL
import Synchronization

/// HTTP clients that trust a workspace's own certificate authority (a router serving a
/// certificate minted by `berth server --ssl-self-signed`), one per CA file, kept for the
/// process's life like `HTTPClient.shared`, so none is ever shut down while in use.
package enum WorkspaceHTTPClients {
    private static let clients = Mutex<[String: HTTPClient]>([:])

    /// The client trusting the CA in `caFile`.
    ///
    /// - Throws: `BerthError` when the file cannot be read or holds no certificate.
    package static func client(trusting caFile: String) throws -> HTTPClient {
        if let client = clients.withLock({ $0[caFile] }) { return client }
        guard let pem = try? String(contentsOfFile: caFile, encoding: .utf8) else {
            throw BerthError(
                .unavailable,
                "Cannot read the workspace CA '\(caFile)' that the router's certificate comes from; run the CLI as the "
                    + "user who runs the server.")
        }
        let tls: TLSConfiguration
        do {
            // The system's roots too: a compute target may serve a publicly issued certificate.
            tls = try TLSConfiguration.makeClientConfiguration(trustingSystemCAsAnd: pem)
        } catch {
            throw BerthError(.unavailable, "The workspace CA '\(caFile)' is not usable: \(error)")
        }
        return clients.withLock { clients in
            if let client = clients[caFile] { return client }
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: .init(tlsConfiguration: tls))
            clients[caFile] = client
            return client
        }
    }
}
