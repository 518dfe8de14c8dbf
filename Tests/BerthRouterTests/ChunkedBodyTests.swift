import BerthCore
import BerthRouter
import BerthTesting
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// Bodies without a Content-Length are counted while they arrive.
struct ChunkedBodyTests {
    @Test(.timeLimit(.minutes(2))) func chunkedBodyOverTheLimitIs413() async throws {
        try await withUpstreams([("r0", { request in .respond(body: "got \(request.body.count)") })]) { upstreams in
            try await withRouter(.init(maxBodyBytes: 1024)) { router, base in
                router.update(routeTable(replicas: [upstreams[0].endpoint]))
                let port = Int(base.split(separator: ":").last!)!
                let fits = try await chunkedPost(port: port, chunks: [256, 256])
                #expect(fits.status == .ok)
                #expect(fits.body == "got 512")
                let tooLarge = try await chunkedPost(port: port, chunks: [512, 512, 512, 512])
                #expect(tooLarge.status == .payloadTooLarge)
                #expect(tooLarge.body.contains("payload_too_large"))
                #expect(upstreams[0].requests.count == 1)
            }
        }
    }
}

/// POSTs `chunks` (sizes in bytes) to `/api/v1/service/svc/score` with chunked framing, over a
/// connection of its own, and reads the response.
private func chunkedPost(port: Int, chunks: [Int]) async throws -> (status: HTTPResponseStatus, body: String) {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                    wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        let headers: HTTPHeaders = ["Transfer-Encoding": "chunked", "Host": "127.0.0.1"]
        try await outbound.write(
            .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/v1/service/svc/score", headers: headers))
        )
        // The router may answer (and stop reading) before the last chunk; that is the point.
        for size in chunks {
            try? await outbound.write(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "x"), count: size))))
        }
        try? await outbound.write(.end(nil))
        var status = HTTPResponseStatus.imATeapot
        var body = ""
        for try await part in inbound {
            switch part {
            case .head(let head): status = head.status
            case .body(let chunk): body += String(buffer: chunk)
            case .end: return (status, body)
            }
        }
        return (status, body)
    }
}
