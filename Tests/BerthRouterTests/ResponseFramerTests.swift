import NIOCore
import NIOHTTP1
import Testing

@testable import BerthRouter

/// `ResponseFramer`: replica responses framed from raw bytes, however the bytes are split.
struct ResponseFramerTests {
    /// Feeds `text` in pieces of `step` bytes; returns the head, the body and whether `.end` came.
    static func frame(_ text: String, step: Int, closeAtEnd: Bool = false) throws
        -> (status: Int, keepAlive: Bool, head: ResponseHead, body: String, ended: Bool)
    {
        var framer = ResponseFramer()
        var head: ResponseHead?
        var body = ""
        var ended = false
        try framer.feed(text, step: step) { event in
            switch event {
            case .head(let h): head = h
            case .body(let part): body += String(buffer: part)
            case .end: ended = true
            }
        }
        if closeAtEnd, framer.connectionClosed() == .end { ended = true }
        let h = try #require(head)
        return (Int(h.status.code), h.keepAlive, h, body, ended)
    }

    @Test(arguments: [1, 2, 3, 7, 1000]) func contentLength(step: Int) throws {
        let r = try Self.frame(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", step: step)
        #expect(r.status == 200 && r.keepAlive && r.body == #"{"ok":true}"# && r.ended)
        #expect(String(buffer: r.head.endToEndLines) == "Content-Type: application/json\r\n")
        #expect(r.head.contentLength == 11)
    }

    @Test(arguments: [1, 4, 1000]) func chunkedWithExtensionsAndTrailers(step: Int) throws {
        let r = try Self.frame(
            "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\nx-ms-run-function-failed: True\r\n\r\n"
                + "4;ext=1\r\nboom\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n",
            step: step)
        #expect(r.status == 500 && r.body == "boom0123456789" && r.ended && r.keepAlive)
        #expect(r.head.runFailed && r.head.isChunked && r.head.contentLength == nil)
        #expect(String(buffer: r.head.endToEndLines) == "x-ms-run-function-failed: True\r\n")
    }

    /// A code NIO knows gets its standard phrase (as NIO's own decoder gave it); another code keeps
    /// the replica's phrase.
    @Test(arguments: [
        ("200 OK", 200, "OK"), ("200 Alright", 200, "OK"), ("299 Fine", 299, "Fine"), ("204", 204, "No Content"),
        ("418 I'm a teapot", 418, "I'm a teapot"), ("503 ", 503, "Service Unavailable"), ("599 ", 599, ""),
    ])
    func reasonPhrases(statusLine: String, code: Int, phrase: String) throws {
        let r = try Self.frame("HTTP/1.1 \(statusLine)\r\nContent-Length: 0\r\n\r\n", step: 1000)
        #expect(r.status == code && r.head.status.reasonPhrase == phrase)
    }

    /// The phrase is relayed in the status line the client gets: a CR or LF in it would end that
    /// line early and make the rest a header of the replica's choosing.
    @Test(arguments: [
        "210 OK\rzConnection: close", "200 OK\nSet-Cookie: a=b", "299 Fine\u{0}", "418 Tea\u{7F}pot",
    ])
    func reasonPhrasesWithControlCharactersAreRefused(statusLine: String) throws {
        #expect(throws: FramingError.self) {
            _ = try Self.frame("HTTP/1.1 \(statusLine)\r\nContent-Length: 0\r\n\r\n", step: 1000)
        }
    }

    /// Found by fuzz-replica-responses: a chunk of size -5 made the router trap.
    @Test func aNegativeChunkSizeIsRefused() {
        #expect(throws: FramingError.self) {
            _ = try Self.frame("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nab", step: 1000)
        }
    }

    @Test func informationalHeadsAreSkippedAndEmptyBodiesEnd() throws {
        let r = try Self.frame(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n", step: 5)
        #expect(r.status == 204 && !r.keepAlive && r.body.isEmpty && r.ended)
        let zero = try Self.frame("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", step: 1000)
        #expect(zero.ended && zero.body.isEmpty && zero.keepAlive)
    }

    @Test func aBodyWithoutLengthEndsWithTheConnection() throws {
        let open = try Self.frame("HTTP/1.0 200 OK\r\n\r\npart one, part two", step: 6)
        #expect(!open.keepAlive && open.body == "part one, part two" && !open.ended)
        let closed = try Self.frame("HTTP/1.0 200 OK\r\n\r\nall", step: 6, closeAtEnd: true)
        #expect(closed.ended && closed.body == "all")
    }

    @Test func theIDsTheRouterSetsAndHopByHopHeadersAreNotRelayed() throws {
        let r = try Self.frame(
            "HTTP/1.1 200 OK\r\nx-ms-request-id: replica\r\nKeep-Alive: timeout=5\r\nX-Custom:  kept  \r\n"
                + "x-ms-client-request-id: c\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n",
            step: 1000)
        #expect(String(buffer: r.head.endToEndLines) == "X-Custom: kept\r\n")
    }

    @Test func twoResponsesOnOneConnection() throws {
        var framer = ResponseFramer()
        framer.append(
            ByteBuffer(
                string:
                    "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nb"))
        var events: [String] = []
        while let event = try framer.next() {
            switch event {
            case .head(let head): events.append("\(head.status.code)")
            case .body(let part): events.append(String(buffer: part))
            case .end: events.append("end")
            }
        }
        #expect(events == ["200", "a", "end", "201", "b", "end"])
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n",
        "HTTP/1.1 200 OK\r\n: nameless\r\n\r\n",
    ])
    func malformedResponsesAreRefused(text: String) {
        var framer = ResponseFramer()
        framer.append(ByteBuffer(string: text))
        #expect(throws: FramingError.self) {
            while try framer.next() != nil {}
        }
    }

    @Test func anEndlessHeadIsRefused() {
        var framer = ResponseFramer()
        framer.append(
            ByteBuffer(
                string: "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: ResponseFramer.maxHeadBytes + 10)))
        #expect(throws: FramingError.self) { _ = try framer.next() }
    }
}
