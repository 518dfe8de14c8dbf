import Crypto
import Foundation
import NIOSSL
import X509

/// The workspace's own certificate authority: an ECDSA P-256 key and a self-signed CA certificate
/// kept as `ca.pem` (0644) and `ca-key.pem` (0600) in one folder. Berth issues its servers'
/// certificates from it, and clients trust Berth by trusting `ca.pem` alone.
package struct WorkspaceCertificateAuthority: Sendable {
    /// The CA certificate's file name inside the folder.
    package static let certificateFileName = "ca.pem"
    /// The CA key's file name inside the folder.
    package static let keyFileName = "ca-key.pem"
    /// How long a new CA is valid: ten years.
    package static let validity: Duration = .seconds(3_650 * 86_400)

    /// The folder that holds `ca.pem` and `ca-key.pem`.
    package let folder: URL
    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    /// The CA certificate in PEM: what clients put in their trust store.
    package let certificatePEM: String

    /// The CA's subject, e.g. "CN=Berth workspace CA 3f9a61c2".
    package var subject: String { certificate.subject.description }

    /// When the CA certificate expires.
    package var notValidAfter: Date { certificate.notValidAfter }

    /// The CA in `folder`, made there on first use (the folder with mode 0700 when it creates it).
    ///
    /// Later calls load the same files, so certificates issued earlier stay trusted. A folder
    /// with only one of the two files, unreadable files or a key that does not match the
    /// certificate are errors that say to delete both files and start again.
    package static func loadOrCreate(in folder: URL, now: Date = Date()) throws(TLSError) -> Self {
        let certificatePath = folder.appendingPathComponent(certificateFileName).path
        let keyPath = folder.appendingPathComponent(keyFileName).path
        let certificateFile = TLSFile(.authorityCertificate, path: certificatePath)
        let keyFile = TLSFile(.authorityKey, path: keyPath)
        let manager = FileManager.default
        switch (manager.fileExists(atPath: certificatePath), manager.fileExists(atPath: keyPath)) {
        case (true, true):
            return try load(folder: folder, certificateFile: certificateFile, keyFile: keyFile, now: now)
        case (false, false):
            return try create(in: folder, now: now)
        case (true, false):
            throw .incompleteAuthority(present: certificateFile, missing: keyFile)
        case (false, true):
            throw .incompleteAuthority(present: keyFile, missing: certificateFile)
        }
    }

    /// A NIOSSL client configuration that trusts this CA only (see
    /// `TLSConfiguration.makeClientConfiguration(trustingCertificateAuthorityPEM:)`).
    package func makeClientConfiguration() throws(TLSError) -> TLSConfiguration {
        try TLSConfiguration.makeClientConfiguration(trustingCertificateAuthorityPEM: certificatePEM)
    }

    private static func load(folder: URL, certificateFile: TLSFile, keyFile: TLSFile, now: Date) throws(TLSError)
        -> Self
    {
        let certificatePEM = String(decoding: try PEMFileIO.read(certificateFile), as: UTF8.self)
        guard let certificate = try PEMContents.certificates(in: Data(certificatePEM.utf8), file: certificateFile).first
        else { throw .notPEM(certificateFile) }
        let key = try PEMContents.privateKey(in: try PEMFileIO.read(keyFile), file: keyFile).key
        guard key.publicKey == certificate.publicKey else {
            throw .keyDoesNotMatchCertificate(key: keyFile, certificate: certificateFile)
        }
        guard now <= certificate.notValidAfter else {
            throw .expired(certificateFile, notValidAfter: certificate.notValidAfter)
        }
        return Self(folder: folder, certificate: certificate, privateKey: key, certificatePEM: certificatePEM)
    }

    private static func create(in folder: URL, now: Date) throws(TLSError) -> Self {
        let signingKey = P256.Signing.PrivateKey()
        let key = Certificate.PrivateKey(signingKey)
        let certificate: Certificate
        do {
            let name = try DistinguishedName {
                OrganizationName("Berth")
                CommonName("Berth workspace CA \(shortRandomID())")
            }
            certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-300),
                notValidAfter: now.addingTimeInterval(TimeInterval(validity.components.seconds)),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: key.publicKey)
                },
                issuerPrivateKey: key)
        } catch {
            throw .cannotIssue(reason: "cannot build the CA certificate: \(error)")
        }
        let certificatePEM = try PEMContents.pem(certificate)
        try PEMFileIO.createPrivateFolder(folder)
        // The key first: a folder with only ca-key.pem is reported as incomplete, never trusted.
        try PEMFileIO.write(signingKey.pemRepresentation, to: folder.appendingPathComponent(keyFileName), mode: 0o600)
        try PEMFileIO.write(certificatePEM, to: folder.appendingPathComponent(certificateFileName), mode: 0o644)
        return Self(folder: folder, certificate: certificate, privateKey: key, certificatePEM: certificatePEM)
    }

    /// Eight hex digits that tell one workspace's CA from another's in a trust store.
    private static func shortRandomID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt32, radix: 16).leftPadded(to: 8)
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: Swift.max(0, length - count)) + self
    }
}
