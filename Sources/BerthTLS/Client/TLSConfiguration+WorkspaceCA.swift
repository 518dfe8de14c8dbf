import NIOSSL

extension TLSConfiguration {
    /// A client configuration that trusts only the CA in `pem` (the workspace's `ca.pem`, say),
    /// verifies the server's name, requires TLS 1.2 or later and offers ALPN "http/1.1".
    ///
    /// For Berth's own clients (AsyncHTTPClient takes it as `tlsConfiguration`) and for tests.
    package static func makeClientConfiguration(trustingCertificateAuthorityPEM pem: String) throws(TLSError)
        -> TLSConfiguration
    {
        let authorities: [NIOSSLCertificate]
        do {
            authorities = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw .notPEM(TLSFile(.authorityCertificate, path: nil))
        }
        guard !authorities.isEmpty else { throw .notPEM(TLSFile(.authorityCertificate, path: nil)) }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(authorities)
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = TLSServerIdentity.applicationProtocols
        return configuration
    }
}
