import ArgumentParser
import BerthCore
import Foundation

/// TLS for a compute target's scoring, with the names of `az ml computetarget create|attach|update
/// aks` (`--ssl-cname`, `--ssl-cert-file`, `--ssl-key-file`, `--ssl-leaf-domain-label`) and the
/// SDK's (`ssl_cert_pem_file`, `ssl_key_pem_file`). The PEM files are read here, on the client,
/// as Azure's CLI does, and sent to the server, which keeps them.
struct ComputeTLSOptions: ParsableArguments {
    @Option(name: .long, help: "The host name clients use to score (scoring URIs become https://NAME:PORT/…).")
    var sslCname: String?

    @Option(
        name: [.customLong("ssl-cert-pem-file"), .customLong("ssl-cert-file")],
        help: "The certificate chain for --ssl-cname (PEM, the server's certificate first).")
    var sslCertPemFile: String?

    @Option(
        name: [.customLong("ssl-key-pem-file"), .customLong("ssl-key-file")],
        help: "The private key of the certificate (PEM, unencrypted).")
    var sslKeyPemFile: String?

    @Option(
        name: .long,
        help:
            "Serve a certificate the workspace CA ($BERTH_HOME/tls/ca.pem) issues for this name, instead of your own (Azure's Microsoft-issued certificate)."
    )
    var sslLeafDomainLabel: String?

    @Flag(name: .long, help: "With --ssl-leaf-domain-label: replace the label the cluster has.")
    var sslOverwriteDomain = false

    @Flag(
        name: .long,
        help: "Serve a certificate from the workspace CA for --ssl-cname (default localhost); for development.")
    var sslSelfSigned = false

    /// The request's `sslConfiguration`, or nil when no TLS option was given.
    func request() throws -> SSLConfigurationRequest? {
        if sslSelfSigned {
            if sslCertPemFile != nil || sslKeyPemFile != nil || sslLeafDomainLabel != nil {
                throw ValidationError(
                    "--ssl-self-signed has the workspace CA issue the certificate: leave out --ssl-cert-pem-file, "
                        + "--ssl-key-pem-file and --ssl-leaf-domain-label.")
            }
            return SSLConfigurationRequest(status: "Auto", leafDomainLabel: sslCname ?? "localhost")
        }
        guard
            sslCname != nil || sslCertPemFile != nil || sslKeyPemFile != nil || sslLeafDomainLabel != nil
                || sslOverwriteDomain
        else { return nil }
        return SSLConfigurationRequest(
            status: sslLeafDomainLabel != nil ? "Auto" : "Enabled", cname: sslCname, cert: try read(sslCertPemFile),
            key: try read(sslKeyPemFile), leafDomainLabel: sslLeafDomainLabel,
            overwriteExistingDomain: sslOverwriteDomain ? true : nil)
    }

    private func read(_ path: String?) throws -> String? {
        guard let path else { return nil }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("Error while reading ssl information:\n\(path): \(error.localizedDescription)")
        }
    }
}
