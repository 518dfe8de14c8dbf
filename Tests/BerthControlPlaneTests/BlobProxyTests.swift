import AsyncHTTPClient
import BerthTLS
import BerthTesting
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@testable import BerthControlPlane

/// The blob proxy on a real loopback socket: a client that uses it as its HTTPS proxy reaches the
/// blob routes over TLS with a certificate from the workspace CA, and nothing else is tunnelled.
struct BlobProxyTests {
    @Test(.timeLimit(.minutes(1)))
    func uploadsThroughTheTunnelAndRefusesEverythingElse() async throws {
        let fixture = try BlobFixture()
        defer { fixture.scratch.cleanUp() }
        let authority = try WorkspaceCertificateAuthority.loadOrCreate(
            in: fixture.scratch.root.appendingPathComponent("tls"))
        let (ports, listening) = AsyncStream.makeStream(of: Int.self)
        let proxy = try BlobProxy(
            configuration: .init(), blobs: fixture.blobs, authority: authority,
            logger: Logger(label: "berth.test.proxy"),
            onListening: { port in
                listening.yield(port)
                listening.finish()
            })
        let services = ServiceGroup(services: [proxy], logger: Logger(label: "berth.test.proxy"))
        try await withThrowingTaskGroup { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await uploadThroughProxy(port: port, fixture: fixture, authority: authority)
            try refusals(port: port)
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
        }
    }

    private func uploadThroughProxy(port: Int, fixture: BlobFixture, authority: WorkspaceCertificateAuthority)
        async throws
    {
        var configuration = HTTPClient.Configuration()
        configuration.proxy = .server(host: "127.0.0.1", port: port)
        configuration.tlsConfiguration = try authority.makeClientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let bytes = Array((0..<70_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
            let uri = fixture.uri("LocalUpload/c5/model.pkl")
            var put = HTTPClientRequest(url: uri)
            put.method = .PUT
            put.headers.add(name: "x-ms-blob-type", value: "BlockBlob")
            put.headers.add(name: "If-None-Match", value: "*")
            put.headers.add(name: "Content-sha256", value: BlobRoutesTests.sha256Base64(bytes))
            put.body = .bytes(ByteBuffer(bytes: bytes))
            let created = try await client.execute(put, timeout: .seconds(20))
            #expect(created.status == .created)
            #expect(created.headers.first(name: "ETag")?.hasPrefix("\"0x") == true)

            var head = HTTPClientRequest(url: uri)
            head.method = .HEAD
            let properties = try await client.execute(head, timeout: .seconds(20))
            #expect(properties.status == .ok)
            #expect(properties.headers.first(name: "Content-Length") == String(bytes.count))
            #expect(properties.headers.first(name: "x-ms-blob-type") == "BlockBlob")

            let content = try await client.execute(HTTPClientRequest(url: uri), timeout: .seconds(20))
            #expect(content.status == .ok)
            #expect(Array(buffer: try await content.body.collect(upTo: 1 << 20)) == bytes)

            var denied = HTTPClientRequest(url: uri.replacingOccurrences(of: "sp=rcw", with: "sp=r"))
            denied.method = .HEAD
            #expect(try await client.execute(denied, timeout: .seconds(20)).status == .forbidden)
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    /// A CONNECT elsewhere, or a plain request, is answered and the connection closed.
    private func refusals(port: Int) throws {
        for (request, status) in [
            ("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "HTTP/1.1 403"),
            ("CONNECT berthstore.blob.berth.local.example.com:443 HTTP/1.1\r\n\r\n", "HTTP/1.1 403"),
            ("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n", "HTTP/1.1 405"),
        ] {
            let socket = try RawSocket(port: port)
            defer { socket.close() }
            try socket.send(Data(request.utf8))
            // Read until the proxy closes: a refusal must not leave the connection open.
            let started = ContinuousClock.now
            let answer = String(decoding: socket.receive(timeout: .seconds(5)) { _ in false }, as: UTF8.self)
            #expect(ContinuousClock.now - started < .seconds(4), "the proxy closed the connection")
            #expect(answer.hasPrefix(status), "\(request): \(answer)")
            #expect(answer.contains("Connection: close"))
        }
    }
}
