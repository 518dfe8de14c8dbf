import BerthTLS
import Foundation
import NIOCore
import NIOSSL
import Testing

@Suite("Certificate renewal without a restart")
struct ReloadingTLSContextTests {
    @Test("New connections get the renewed certificate; an open connection keeps working on the old one")
    func renewalReachesNewConnections() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let chainURL = folder.appendingPathComponent("server.pem")
            let keyURL = folder.appendingPathComponent("server-key.pem")
            let certificateA = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            try certificateA.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            let tls = try ReloadingTLSContext(certificateChainAt: chainURL, privateKeyAt: keyURL)
            #expect(tls.identity.subjectNames == ["localhost", "127.0.0.1"])
            #expect(try tls.reloadIfChanged() == false)

            try await withEchoServer(tls: tls) { port in
                try await withTLSClient(port: port, trusting: authority.certificatePEM) { old in
                    #expect(try await old.echo("hello A") == "hello A")
                    #expect(try await old.peerCertificate() == firstCertificate(of: certificateA.certificatePEM))

                    let certificateB = try authority.issueServerCertificate(dnsNames: ["localhost"])
                    try certificateB.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
                    #expect(try tls.reloadIfChanged() == true)
                    #expect(tls.identity.subjectNames == ["localhost"])

                    try await withTLSClient(port: port, trusting: authority.certificatePEM) {
                        (new: TLSTestConnection) async throws in
                        #expect(try await new.echo("hello B") == "hello B")
                        #expect(try await new.peerCertificate() == firstCertificate(of: certificateB.certificatePEM))
                    }
                    #expect(try await old.echo("still A") == "still A")
                    #expect(try await old.peerCertificate() == firstCertificate(of: certificateA.certificatePEM))
                }
            }
        }
    }

    @Test("A broken renewal is reported and the last good certificate keeps serving new connections")
    func brokenRenewalKeepsServing() async throws {
        try await withTemporaryFolder { folder in
            let (authority, chainURL, keyURL, tls) = try servedLocalhostFiles(in: folder)
            let certificateB = try authority.issueServerCertificate(dnsNames: ["localhost"])
            try certificateB.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            #expect(try tls.reloadIfChanged() == true)

            try Data("garbage\n".utf8).write(to: chainURL)
            try Data("more garbage\n".utf8).write(to: keyURL)
            let expected = TLSError.notPEM(TLSFile(.certificateChain, path: chainURL.path))
            #expect(throws: expected) { try tls.reloadIfChanged() }
            #expect(throws: expected) { try tls.reloadIfChanged() }

            try await withEchoServer(tls: tls) { port in
                try await withTLSClient(port: port, trusting: authority.certificatePEM) {
                    (connection: TLSTestConnection) async throws in
                    #expect(try await connection.echo("after garbage") == "after garbage")
                    #expect(try await connection.peerCertificate() == firstCertificate(of: certificateB.certificatePEM))
                }
            }

            try FileManager.default.removeItem(at: keyURL)
            #expect(throws: TLSError.missingFile(TLSFile(.privateKey, path: keyURL.path))) { try tls.reloadIfChanged() }
            #expect(
                tls.identity.serialNumber
                    == (try TLSServerIdentity(
                        certificateChainPEM: certificateB.certificateChainPEM, privateKeyPEM: certificateB.privateKeyPEM
                    )).serialNumber)
        }
    }

    @Test("A renewal that is not valid yet is refused, and taken once its time has come")
    func notYetValidRenewal() async throws {
        try await withTemporaryFolder { folder in
            let (authority, chainURL, keyURL, tls) = try servedLocalhostFiles(in: folder)
            let now = Date()
            try authority.issueServerCertificate(dnsNames: ["future.localhost"], now: now.addingTimeInterval(3_600))
                .write(certificateChainTo: chainURL, privateKeyTo: keyURL)
            let error = #expect(throws: TLSError.self) { try tls.reloadIfChanged(now: now) }
            guard case .notYetValid(let file, _) = error else {
                Issue.record("expected .notYetValid, got \(String(describing: error))")
                return
            }
            #expect(file.path == chainURL.path)
            #expect(tls.identity.subjectNames == ["localhost"])
            #expect(try tls.reloadIfChanged(now: now.addingTimeInterval(7_200)) == true)
            #expect(tls.identity.subjectNames == ["future.localhost"])
        }
    }

    @Test("The watch loop picks up renewed files by itself and stops when cancelled")
    func watchPicksUpRenewal() async throws {
        try await withTemporaryFolder { folder in
            let (authority, chainURL, keyURL, tls) = try servedLocalhostFiles(in: folder)
            let renewed = try authority.issueServerCertificate(dnsNames: ["renewed.localhost"])

            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await tls.watch(every: .milliseconds(20)) }
                try renewed.write(certificateChainTo: chainURL, privateKeyTo: keyURL)
                let deadline = ContinuousClock.now + .seconds(10)
                while tls.identity.subjectNames != ["renewed.localhost"], ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            #expect(tls.identity.subjectNames == ["renewed.localhost"])
        }
    }

    @Test("Connections speak TLS 1.2 or later and settle on http/1.1 by ALPN; a TLS 1.1 client is refused")
    func protocolSettings() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let issued = try authority.issueServerCertificate(dnsNames: ["localhost"])
            let tls = ReloadingTLSContext(
                identity: try TLSServerIdentity(
                    certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM))
            try await withEchoServer(tls: tls) { port in
                try await withTLSClient(port: port, trusting: authority.certificatePEM) {
                    (connection: TLSTestConnection) async throws in
                    #expect(try await connection.echo("version") == "version")
                    #expect(try await connection.negotiatedProtocol.get() == "http/1.1")
                    #expect(try await connection.channel.nioSSL_tlsVersion().get() == .tlsv13)
                }
                try await withTLSClient(
                    port: port, trusting: authority.certificatePEM, adjust: { $0.maximumTLSVersion = .tlsv12 }
                ) { (connection: TLSTestConnection) async throws in
                    #expect(try await connection.echo("version") == "version")
                    #expect(try await connection.channel.nioSSL_tlsVersion().get() == .tlsv12)
                }
                await #expect(throws: (any Error).self) {
                    try await withTLSClient(
                        port: port, trusting: authority.certificatePEM,
                        adjust: {
                            $0.minimumTLSVersion = .tlsv1
                            $0.maximumTLSVersion = .tlsv11
                        }
                    ) { connection in try await connection.echo("refused") }
                }
            }
        }
    }

    @Test("A context from in-memory PEM serves it and never reloads")
    func inMemoryIdentity() async throws {
        try await withTemporaryFolder { folder in
            let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder)
            let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            let tls = ReloadingTLSContext(
                identity: try TLSServerIdentity(
                    certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM))
            #expect(try tls.reloadIfChanged() == false)
            try await withEchoServer(tls: tls) { port in
                try await withTLSClient(port: port, trusting: authority.certificatePEM) {
                    (connection: TLSTestConnection) async throws in
                    #expect(try await connection.echo("in memory") == "in memory")
                    #expect(try await connection.peerCertificate() == firstCertificate(of: issued.certificatePEM))
                }
            }
        }
    }
}
