import BerthTLS
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("Workspace certificate authority")
struct WorkspaceCertificateAuthorityTests {
    @Test("Creates the CA once with private modes, and loads the same CA the second time")
    func createsOnceThenLoads() async throws {
        try await withTemporaryFolder { root in
            let folder = root.appendingPathComponent("tls")
            let first = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let certificateURL = folder.appendingPathComponent("ca.pem")
            let keyURL = folder.appendingPathComponent("ca-key.pem")
            #expect(try permissions(of: folder) == 0o700)
            #expect(try permissions(of: certificateURL) == 0o644)
            #expect(try permissions(of: keyURL) == 0o600)
            let certificateBytes = try Data(contentsOf: certificateURL)
            let keyBytes = try Data(contentsOf: keyURL)

            let second = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            #expect(second.certificatePEM == first.certificatePEM)
            #expect(second.subject == first.subject)
            #expect(try Data(contentsOf: certificateURL) == certificateBytes)
            #expect(try Data(contentsOf: keyURL) == keyBytes)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(leftovers == ["ca-key.pem", "ca.pem"])
        }
    }

    @Test("The CA certificate is a ten-year, self-signed P-256 CA for signing certificates")
    func authorityCertificateProfile() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let certificate = try Certificate(pemEncoded: authority.certificatePEM)
            #expect(authority.subject.contains("CN=Berth workspace CA "))
            #expect(certificate.issuer == certificate.subject)
            #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
            #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
            #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
            let usage = try #require(try certificate.extensions.keyUsage)
            #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
            #expect(certificate.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
            let years = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore) / (365 * 86_400)
            #expect(years > 9.9 && years < 10.1)
        }
    }

    @Test("A leaf for localhost and 127.0.0.1 verifies against the CA alone, by name and by address")
    func issuedLeafVerifies() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            let root = try Certificate(pemEncoded: authority.certificatePEM)
            let leaf = try Certificate(pemEncoded: issued.certificatePEM)
            #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
            #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
            #expect(leaf.issuer == root.subject)

            #expect(await verifies(leaf, against: root, hostname: "localhost", address: nil))
            #expect(await verifies(leaf, against: root, hostname: nil, address: "127.0.0.1"))
            #expect(!(await verifies(leaf, against: root, hostname: "example.com", address: nil)))

            let otherFolder = folder.appendingPathComponent("other")
            let other = try WorkspaceCertificateAuthority.loadOrCreate(in: otherFolder)
            let otherRoot = try Certificate(pemEncoded: other.certificatePEM)
            #expect(!(await verifies(leaf, against: otherRoot, hostname: "localhost", address: nil)))

            let chain = try TLSServerIdentity(
                certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM)
            #expect(chain.subjectNames == ["localhost", "127.0.0.1"])
            #expect(!issued.description.contains("PRIVATE KEY"))
        }
    }

    @Test("Names of the wrong kind are refused before anything is signed")
    func refusesBadNames() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            #expect(throws: TLSError.invalidServerName("")) {
                try authority.issueServerCertificate(dnsNames: [], ipAddresses: [])
            }
            #expect(throws: TLSError.invalidServerName("127.0.0.1")) {
                try authority.issueServerCertificate(dnsNames: ["127.0.0.1"])
            }
            #expect(throws: TLSError.invalidServerName("localhost")) {
                try authority.issueServerCertificate(dnsNames: [], ipAddresses: ["localhost"])
            }
            #expect(throws: TLSError.invalidServerName("two words")) {
                try authority.issueServerCertificate(dnsNames: ["two words"])
            }
            let v6 = try authority.issueServerCertificate(dnsNames: ["*.berth.test"], ipAddresses: ["::1"])
            let identity = try TLSServerIdentity(
                certificateChainPEM: v6.certificateChainPEM, privateKeyPEM: v6.privateKeyPEM)
            #expect(identity.subjectNames == ["*.berth.test", "::1"])
        }
    }

    @Test("A broken or half-present CA folder is an error that names the file and says to start again")
    func brokenAuthorityFiles() async throws {
        try await withTemporaryFolder { folder in
            _ = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let keyURL = folder.appendingPathComponent("ca-key.pem")
            try Data("not a key\n".utf8).write(to: keyURL)
            let garbage = #expect(throws: TLSError.self) { try WorkspaceCertificateAuthority.loadOrCreate(in: folder) }
            #expect(
                garbage?.description
                    == "ca-key.pem in \(folder.path) is not an unencrypted PEM private key ('-----BEGIN PRIVATE KEY-----'); "
                    + "delete the folder's ca.pem and ca-key.pem to make a new CA "
                    + "(certificates the old CA issued are then no longer trusted).")

            try FileManager.default.removeItem(at: keyURL)
            let half = #expect(throws: TLSError.self) { try WorkspaceCertificateAuthority.loadOrCreate(in: folder) }
            #expect(
                half?.description.hasPrefix("ca.pem in \(folder.path) exists but ca-key.pem in \(folder.path)") == true)

            let other = try WorkspaceCertificateAuthority.loadOrCreate(in: folder.appendingPathComponent("other"))
            try FileManager.default.copyItem(
                at: other.folder.appendingPathComponent("ca-key.pem"), to: keyURL)
            let mismatch = #expect(throws: TLSError.self) { try WorkspaceCertificateAuthority.loadOrCreate(in: folder) }
            #expect(mismatch?.description.contains("ca-key.pem in \(folder.path) does not belong") == true)
            #expect(mismatch?.description.contains("BEGIN") == false)
        }
    }

    private func verifies(_ leaf: Certificate, against root: Certificate, hostname: String?, address: String?) async
        -> Bool
    {
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: hostname, serverIP: address)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore())
        if case .validCertificate = result { return true }
        return false
    }
}
