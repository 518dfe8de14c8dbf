import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A server's certificate chain and private key, checked before use, with the NIOSSL context
/// that serves them (TLS 1.2 or later, ALPN "http/1.1").
///
/// Making one checks what the TLS handshake would otherwise report to each client: the PEM
/// parses, the key belongs to the first certificate, and that certificate is valid now.
package struct TLSServerIdentity: Sendable {
    /// From how long before expiry `expiryWarning(now:)` speaks up: 14 days.
    package static let expiryWarningWindow: TimeInterval = 14 * 86_400
    /// The ALPN protocols servers advertise.
    package static let applicationProtocols = ["http/1.1"]

    /// The names the certificate is for (its DNS and IP subjectAltNames, else its subject).
    package let subjectNames: [String]
    /// When the certificate becomes valid.
    package let notValidBefore: Date
    /// When the certificate expires.
    package let notValidAfter: Date
    /// The certificate's serial number in hex, "3f:9a:…"; tells two renewals apart in logs.
    package let serialNumber: String
    /// Where the certificate chain came from, for messages.
    package let certificateChainFile: TLSFile
    let sslContext: NIOSSLContext

    /// An identity from PEM in memory, e.g. a certificate the workspace CA just issued.
    package init(certificateChainPEM: String, privateKeyPEM: String, now: Date = Date()) throws(TLSError) {
        try self.init(
            certificateChain: Data(certificateChainPEM.utf8), privateKey: Data(privateKeyPEM.utf8),
            certificateChainFile: TLSFile(.certificateChain, path: nil),
            privateKeyFile: TLSFile(.privateKey, path: nil),
            now: now)
    }

    /// An identity from a certificate-chain PEM file (leaf first) and a private-key PEM file.
    package static func load(certificateChainAt chainURL: URL, privateKeyAt keyURL: URL, now: Date = Date())
        throws(TLSError) -> Self
    {
        let chainFile = TLSFile(.certificateChain, path: chainURL.path)
        let keyFile = TLSFile(.privateKey, path: keyURL.path)
        return try Self(
            certificateChain: try PEMFileIO.read(chainFile), privateKey: try PEMFileIO.read(keyFile),
            certificateChainFile: chainFile, privateKeyFile: keyFile, now: now)
    }

    init(certificateChain: Data, privateKey: Data, certificateChainFile: TLSFile, privateKeyFile: TLSFile, now: Date)
        throws(TLSError)
    {
        let chain = try PEMContents.certificates(in: certificateChain, file: certificateChainFile)
        let (key, keyPEM) = try PEMContents.privateKey(in: privateKey, file: privateKeyFile)
        let leaf = chain[0]
        // BoringSSL also refuses a key that does not match, but only as "failedToLoadPrivateKey".
        guard key.publicKey == leaf.publicKey else {
            throw .keyDoesNotMatchCertificate(key: privateKeyFile, certificate: certificateChainFile)
        }
        guard now <= leaf.notValidAfter else { throw .expired(certificateChainFile, notValidAfter: leaf.notValidAfter) }
        guard now >= leaf.notValidBefore else {
            throw .notYetValid(certificateChainFile, notValidBefore: leaf.notValidBefore)
        }
        self.sslContext = try Self.makeContext(
            chain: chain, keyPEM: keyPEM, certificateChainFile: certificateChainFile, privateKeyFile: privateKeyFile)
        self.subjectNames = Self.names(of: leaf)
        self.notValidBefore = leaf.notValidBefore
        self.notValidAfter = leaf.notValidAfter
        self.serialNumber = leaf.serialNumber.bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(
            separator: ":")
        self.certificateChainFile = certificateChainFile
    }

    /// A sentence for the log when the certificate expires within `expiryWarningWindow` of
    /// `now` (or has expired), else nil.
    package func expiryWarning(now: Date = Date()) -> String? {
        let remaining = notValidAfter.timeIntervalSince(now)
        guard remaining < Self.expiryWarningWindow else { return nil }
        let when = notValidAfter.formatted(.iso8601)
        let verb = remaining < 0 ? "expired" : "expires"
        return "The certificate in \(certificateChainFile) \(verb) on \(when); renew it and write the new "
            + "certificate chain and key in its place (a running server picks them up without a restart)."
    }

    private static func makeContext(
        chain: [Certificate], keyPEM: String, certificateChainFile: TLSFile, privateKeyFile: TLSFile
    ) throws(TLSError) -> NIOSSLContext {
        do {
            let certificates = try chain.map { certificate in
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                return NIOSSLCertificateSource.certificate(
                    try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der))
            }
            let key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            configuration.applicationProtocols = applicationProtocols
            return try NIOSSLContext(configuration: configuration)
        } catch {
            // NIOSSL's errors carry BoringSSL error codes, never key bytes.
            throw .rejectedByTLSLibrary(certificate: certificateChainFile, key: privateKeyFile, reason: "\(error)")
        }
    }

    private static func names(of certificate: Certificate) -> [String] {
        let alternativeNames = Array((try? certificate.extensions.subjectAlternativeNames) ?? SubjectAlternativeNames())
        let names = alternativeNames.compactMap { name -> String? in
            switch name {
            case .dnsName(let dnsName): dnsName
            case .ipAddress(let address): IPAddressBytes.format(address.bytes)
            default: nil
            }
        }
        return names.isEmpty ? [certificate.subject.description] : names
    }
}
