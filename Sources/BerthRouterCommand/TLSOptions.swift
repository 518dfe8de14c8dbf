import ArgumentParser
import BerthTLS
import Foundation
import Logging

/// The router's TLS, shared by `berth server` and `berth router`, with Azure's names for the
/// same settings (`ssl_cert_pem_file`, `ssl_key_pem_file`, `ssl_cname`): a certificate the user
/// brings (renewed by replacing the files: new connections get it within seconds, open ones keep
/// theirs), or one minted from the workspace's own certificate authority for development.
package struct TLSOptions: ParsableArguments {
    package init() {}

    @Option(
        name: .long, help: "The router's certificate chain (PEM); with --ssl-key-pem-file the router serves only TLS.")
    var sslCertPemFile: String?

    @Option(name: .long, help: "The private key of --ssl-cert-pem-file (PEM, unencrypted; keep it mode 0600).")
    var sslKeyPemFile: String?

    @Option(name: .long, help: "The host name clients use (scoring URIs become https://NAME:PORT/…).")
    /// The host name in scoring URIs when TLS is on (`--ssl-cname`).
    package var sslCname: String?

    @Flag(
        name: .long,
        help:
            "Serve TLS with a certificate minted from the workspace CA ($BERTH_HOME/tls/ca.pem) for --ssl-cname, localhost and this address."
    )
    var sslSelfSigned = false

    /// Whether the router serves TLS (a certificate given, or a minted one).
    package var isEnabled: Bool { sslSelfSigned || sslCertPemFile != nil }

    /// Rejects half-given or conflicting TLS options.
    package func validate() throws {
        if (sslCertPemFile == nil) != (sslKeyPemFile == nil) {
            throw ValidationError(
                "Give --ssl-cert-pem-file and --ssl-key-pem-file together (the certificate and its key).")
        }
        if sslSelfSigned && sslCertPemFile != nil {
            throw ValidationError("Give either --ssl-self-signed or --ssl-cert-pem-file/--ssl-key-pem-file, not both.")
        }
        if sslCname != nil && !isEnabled {
            throw ValidationError(
                "--ssl-cname needs TLS: add --ssl-cert-pem-file/--ssl-key-pem-file or --ssl-self-signed.")
        }
    }

    /// The router's TLS context, or nil for plain HTTP; `caFile` is the workspace CA clients should
    /// trust when the certificate was minted from it.
    package func context(workspace root: URL, host: String, logger: Logger) throws -> (
        tls: ReloadingTLSContext, caFile: URL?
    )? {
        if let chain = sslCertPemFile, let key = sslKeyPemFile {
            let tls = try ReloadingTLSContext(
                certificateChainAt: URL(fileURLWithPath: chain), privateKeyAt: URL(fileURLWithPath: key), logger: logger
            )
            return (tls, nil)
        }
        guard sslSelfSigned else { return nil }
        let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: root.appendingPathComponent("tls"))
        var names = ["localhost"]
        var addresses = ["127.0.0.1", "::1"]
        if let sslCname { names.insert(sslCname, at: 0) }
        if IPAddressBytes.parse(host) != nil {
            if !["0.0.0.0", "::"].contains(host), !addresses.contains(host) { addresses.append(host) }
        } else if !names.contains(host) {
            names.append(host)
        }
        let issued = try authority.issueServerCertificate(dnsNames: names, ipAddresses: addresses)
        let identity = try TLSServerIdentity(
            certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM)
        let caFile = authority.folder.appendingPathComponent(WorkspaceCertificateAuthority.certificateFileName)
        return (ReloadingTLSContext(identity: identity, logger: logger), caFile)
    }

    /// The base URL of a router listening on `host`:`port`: https with the cname (or the address)
    /// when TLS is on, else http.
    package func routerURL(host: String, port: Int) -> String {
        guard isEnabled else { return "http://\(Self.urlHost(host)):\(port)" }
        let name = sslCname ?? (["0.0.0.0", "::"].contains(host) ? "localhost" : host)
        return "https://\(Self.urlHost(name)):\(port)"
    }

    private static func urlHost(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }
}
