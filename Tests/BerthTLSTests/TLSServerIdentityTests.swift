import BerthTLS
import Foundation
import NIOSSL
import Testing

@Suite("Server identity checks at start")
struct TLSServerIdentityTests {
    @Test("A missing file is named in the error")
    func missingFile() async throws {
        try await withServerFiles { chainURL, keyURL in
            try FileManager.default.removeItem(at: chainURL)
            let error = #expect(throws: TLSError.missingFile(TLSFile(.certificateChain, path: chainURL.path))) {
                try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL)
            }
            #expect(error?.description.hasPrefix("'\(chainURL.path)' does not exist; write the server's") == true)
        }
    }

    @Test("A file that is not PEM is named in the error, certificate or key")
    func notPEM() async throws {
        try await withServerFiles { chainURL, keyURL in
            let chain = try Data(contentsOf: chainURL)
            try Data("hello\n".utf8).write(to: chainURL)
            let chainError = #expect(throws: TLSError.notPEM(TLSFile(.certificateChain, path: chainURL.path))) {
                try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL)
            }
            #expect(chainError?.description.contains("'\(chainURL.path)' is not a PEM certificate") == true)

            try chain.write(to: chainURL)
            try Data([0xff, 0x00, 0x13]).write(to: keyURL)
            let keyError = #expect(throws: TLSError.notPEM(TLSFile(.privateKey, path: keyURL.path))) {
                try TLSServerIdentity.load(certificateChainAt: chainURL, privateKeyAt: keyURL)
            }
            #expect(keyError?.description.contains("'\(keyURL.path)' is not an unencrypted PEM private key") == true)
        }
    }

    @Test("A key of another certificate is refused by name, and without key material in the message")
    func keyMismatch() async throws {
        try await withServerFiles { chainURL, keyURL in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: chainURL.deletingLastPathComponent())
            let other = try authority.issueServerCertificate(dnsNames: ["localhost"])
            try Data(other.privateKeyPEM.utf8).write(to: keyURL)
            let expected = TLSError.keyDoesNotMatchCertificate(
                key: TLSFile(.privateKey, path: keyURL.path),
                certificate: TLSFile(.certificateChain, path: chainURL.path))
            let error = #expect(throws: expected) {
                try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL)
            }
            let message = try #require(error?.description)
            #expect(message.contains(keyURL.path) && message.contains(chainURL.path))
            let keyLines = other.privateKeyPEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }
            #expect(keyLines.allSatisfy { !message.contains($0) })
        }
    }

    @Test("NIOSSL alone also refuses a key of another certificate, though only as failedToLoadPrivateKey")
    func nioSSLRefusesMismatchToo() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let first = try authority.issueServerCertificate(dnsNames: ["localhost"])
            let second = try authority.issueServerCertificate(dnsNames: ["localhost"])
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try firstCertificate(of: first.certificateChainPEM))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(second.privateKeyPEM.utf8), format: .pem)))
            #expect(throws: NIOSSLError.failedToLoadPrivateKey) { try NIOSSLContext(configuration: configuration) }
        }
    }

    @Test("An expired certificate is refused by name; one close to expiry loads with a warning")
    func expiry() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let chainURL = folder.appendingPathComponent("server.pem")
            let keyURL = folder.appendingPathComponent("server-key.pem")
            let expired = try authority.issueServerCertificate(
                dnsNames: ["localhost"], validity: .seconds(86_400), now: Date().addingTimeInterval(-3 * 86_400))
            try expired.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            let error = #expect(throws: TLSError.self) {
                try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL)
            }
            guard case .expired(let file, _) = error else {
                Issue.record("expected .expired, got \(String(describing: error))")
                return
            }
            #expect(file.path == chainURL.path)
            #expect(error?.description.contains("The certificate in '\(chainURL.path)' expired on ") == true)

            let soon = try authority.issueServerCertificate(dnsNames: ["localhost"], validity: .seconds(7 * 86_400))
            try soon.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            let identity = try TLSServerIdentity.load(certificateChainAt: chainURL, privateKeyAt: keyURL)
            #expect(identity.expiryWarning()?.contains("'\(chainURL.path)' expires on ") == true)
            let later = try authority.issueServerCertificate(dnsNames: ["localhost"], validity: .seconds(30 * 86_400))
            let fresh = try TLSServerIdentity(
                certificateChainPEM: later.certificateChainPEM, privateKeyPEM: later.privateKeyPEM)
            #expect(fresh.expiryWarning() == nil)
        }
    }

    @Test("A client configuration needs a PEM CA certificate")
    func clientConfigurationNeedsPEM() {
        #expect(throws: TLSError.notPEM(TLSFile(.authorityCertificate, path: nil))) {
            try TLSConfiguration.makeClientConfiguration(trustingCertificateAuthorityPEM: "nothing here")
        }
    }

    /// A workspace CA and a server certificate for localhost written as server.pem and
    /// server-key.pem in a temporary folder.
    private func withServerFiles(_ body: (_ chainURL: URL, _ keyURL: URL) async throws -> Void) async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let chainURL = folder.appendingPathComponent("server.pem")
            let keyURL = folder.appendingPathComponent("server-key.pem")
            try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
                .write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            try await body(chainURL, keyURL)
        }
    }
}
