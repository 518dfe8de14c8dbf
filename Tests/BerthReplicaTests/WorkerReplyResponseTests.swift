import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import BerthReplica

/// An entry script's answer goes out as HTTP the router can read, whatever status and headers the
/// script chose.
struct WorkerReplyResponseTests {
    private static func reply(
        status: Int, headers: [(String, String)] = [], body: String = "boom", runFailed: Bool = false
    ) -> WorkerReply {
        WorkerReply(status: status, headers: headers, body: ByteBuffer(string: body), runFailed: runFailed, execMs: 1)
    }

    /// The response as bytes on the wire, read back by NIO's HTTP client decoder.
    private static func onTheWire(_ response: ReplicaResponse) throws -> (HTTPResponseHead, String) {
        let encoder = EmbeddedChannel(handler: HTTPResponseEncoder())
        try encoder.writeOutbound(HTTPServerResponsePart.head(response.head(keepAlive: true)))
        try encoder.writeOutbound(HTTPServerResponsePart.body(.byteBuffer(response.body)))
        try encoder.writeOutbound(HTTPServerResponsePart.end(nil))
        var bytes = ByteBuffer()
        while var part = try encoder.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&part) }
        let decoder = EmbeddedChannel()
        try decoder.pipeline.syncOperations.addHTTPClientHandlers()
        try decoder.writeOutbound(
            HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")))
        try decoder.writeOutbound(HTTPClientRequestPart.end(nil))
        try decoder.writeInbound(bytes)
        var head: HTTPResponseHead?
        var body = ""
        var ended = false
        while let part = try decoder.readInbound(as: HTTPClientResponsePart.self) {
            switch part {
            case .head(let first): head = first
            case .body(let chunk): body += String(buffer: chunk)
            case .end: ended = true
            }
        }
        #expect(ended, "the response did not end where its bytes do")
        return (try #require(head), body)
    }

    /// Found by fuzz-worker-frames: `HTTP/1.1 50 …` went out, and the router answered 502.
    @Test(arguments: [50, 0, 100, 199, 600, 1000, -1])
    func aStatusThatIsNotFinalIsTheScriptsError(status: Int) throws {
        let response = ReplicaRoutes.response(for: Self.reply(status: status))
        #expect(response.status == .internalServerError)
        #expect(response.headers["x-ms-run-function-failed"] == ["True"])
        #expect(String(buffer: response.body).contains("status \(status)"))
        let (head, _) = try Self.onTheWire(response)
        #expect(head.status == .internalServerError)
    }

    @Test(arguments: [204, 304])
    func aStatusWithoutBodyGoesWithoutTheScriptsBody(status: Int) throws {
        let response = ReplicaRoutes.response(for: Self.reply(status: status, body: "not allowed here"))
        #expect(response.body.readableBytes == 0)
        #expect(response.head(keepAlive: true).headers["Content-Length"].isEmpty)
        let (head, body) = try Self.onTheWire(response)
        #expect(head.status.code == UInt(status))
        #expect(body.isEmpty)
    }

    @Test func framingAndMalformedHeadersOfTheScriptAreDropped() throws {
        let response = ReplicaRoutes.response(
            for: Self.reply(
                status: 200,
                headers: [
                    ("Content-Length", "1"), ("Transfer-Encoding", "chunked"), ("Connection", "close"),
                    ("x-ms-run-function-failed", "False"), ("X-Split\r\nX-Injected", "a"),
                    ("X-Value", "a\r\nX-Injected: b"),
                    ("", "empty name"), ("X Space", "a"), ("X-Nul", "a\u{0}"), ("Content-Type", "text/plain"),
                    ("X-Tab", "a\tb"),
                ],
                runFailed: true))
        let names = response.headers.map(\.name)
        #expect(names == ["Content-Type", "X-Tab", "x-ms-run-function-failed", "x-ms-run-fn-exec-ms"])
        #expect(response.headers["x-ms-run-function-failed"] == ["True"])
        let (head, body) = try Self.onTheWire(response)
        #expect(head.status == .ok && body == "boom")
        #expect(head.headers["X-Injected"].isEmpty)
    }
}
