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

extension TLSConfiguration {
    /// `makeClientConfiguration(trustingCertificateAuthorityPEM:)`, trusting the system's CAs too:
    /// for clients of servers that may hold either a workspace-CA certificate or a public one (a
    /// compute target's own certificate, a control plane behind a public name).
    package static func makeClientConfiguration(trustingSystemCAsAnd pem: String) throws(TLSError)
        -> TLSConfiguration
    {
        var configuration = try makeClientConfiguration(trustingCertificateAuthorityPEM: pem)
        if case .certificates(let authorities) = configuration.trustRoots {
            configuration.trustRoots = .default
            configuration.additionalTrustRoots = [.certificates(authorities)]
        }
        return configuration
    }
}
