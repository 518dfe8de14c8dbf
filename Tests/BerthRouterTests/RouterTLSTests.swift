import AsyncHTTPClient
import BerthCore
import BerthTLS
import BerthTesting
import Foundation
import NIOSSL
import Testing

@testable import BerthRouter

/// The router serving TLS: scoring over HTTPS only, and a renewed certificate for new connections
/// without dropping the open ones.
struct RouterTLSTests {
    /// A client that trusts only `authority`, shut down after `body`.
    static func withClient<T>(trusting authority: WorkspaceCertificateAuthority, _ body: (HTTPClient) async throws -> T)
        async throws -> T
    {
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(tlsConfiguration: try authority.makeClientConfiguration()))
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    @Test(.timeLimit(.minutes(2))) func scoringOverTLSOnly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let authority = try WorkspaceCertificateAuthority.loadOrCreate(in: folder.appending("ca"))
        let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        var configuration = Router.Configuration(port: 0)
        configuration.tls = ReloadingTLSContext(
            identity: try TLSServerIdentity(
                certificateChainPEM: issued.certificateChainPEM, privateKeyPEM: issued.privateKeyPEM))
        try await withUpstreams([("r0", { request in .respond(body: "got " + request.body) })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(authEnabled: true, keys: ["K1"], replicas: [upstreams[0].endpoint]))
                let port = try #require(base.split(separator: ":").last.flatMap { Int($0) })
                try await Self.withClient(trusting: authority) { client in
                    let scored = try await TestHTTP.post(
                        "https://localhost:\(port)/api/v1/service/svc/score", "hello",
                        headers: [("Authorization", "Bearer K1")], client: client)
                    #expect(scored.status == 200 && scored.text == "got hello")
                    let refused = try await TestHTTP.post(
                        "https://127.0.0.1:\(port)/api/v1/service/svc/score", "hello", client: client)
                    #expect(refused.status == 401, "auth still applies over TLS")
                }
                // Plain HTTP on the TLS port gets no HTTP answer.
                let socket = try RawSocket(port: port)
                defer { socket.close() }
                try socket.send(Data("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
                let answer = String(decoding: socket.receive(timeout: .seconds(5)) { _ in false }, as: UTF8.self)
                #expect(!answer.contains("HTTP/1.1 200"), "\(answer)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func renewedCertificateReachesNewConnectionsOnly() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let first = try WorkspaceCertificateAuthority.loadOrCreate(in: folder.appending("first"))
        let second = try WorkspaceCertificateAuthority.loadOrCreate(in: folder.appending("second"))
        let chain = folder.appending("router.pem")
        let key = folder.appending("router-key.pem")
        try first.issueServerCertificate(dnsNames: ["localhost"]).write(certificateChainTo: chain, privateKeyTo: key)
        let tls = try ReloadingTLSContext(certificateChainAt: chain, privateKeyAt: key)
        var configuration = Router.Configuration(port: 0)
        configuration.tls = tls
        try await withUpstreams([("r0", { _ in .respond(body: "ok") })]) { upstreams in
            try await withRouter(configuration) { router, base in
                router.update(routeTable(maxConcurrent: 4, replicas: [upstreams[0].endpoint]))
                let port = try #require(base.split(separator: ":").last.flatMap { Int($0) })
                let url = "https://localhost:\(port)/api/v1/service/svc/score"
                try await Self.withClient(trusting: first) { before in
                    #expect(try await TestHTTP.post(url, "{}", client: before).status == 200)
                    // Renewal: new files from another CA, picked up without a restart.
                    try second.issueServerCertificate(dnsNames: ["localhost"])
                        .write(certificateChainTo: chain, privateKeyTo: key)
                    #expect(try tls.reloadIfChanged())
                    try await Self.withClient(trusting: second) { (after: HTTPClient) async throws in
                        #expect(try await TestHTTP.post(url, "{}", client: after).status == 200)
                    }
                    // The connection opened before the renewal is still served.
                    #expect(try await TestHTTP.post(url, "{}", client: before).status == 200)
                    #expect(upstreams[0].connections >= 1)
                }
            }
        }
    }
}
