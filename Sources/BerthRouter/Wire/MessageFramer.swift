import NIOCore

/// A message head the framer reads: a client's request head or a replica's response head.
protocol MessageHead {
    /// Parses a head: the start line and header lines (each ended by CRLF), without the blank line;
    /// the header lines it relays go to `lines` (`HeaderFields.rewrite(_:into:keeping:)`).
    init(parsing bytes: UnsafeRawBufferPointer, lines: inout ByteBuffer) throws
    /// How the body after this head is framed.
    var bodyFraming: BodyFraming { get }
    /// Whether a message follows this head (false for a 1xx response, which another head follows).
    var isFinal: Bool { get }
    /// The error for a head longer than `MessageFramer.maxHeadBytes`.
    static var tooLong: FramingError { get }
}

/// Reads HTTP/1.1 messages straight from a socket's bytes: each head, then its body as slices of
/// the bytes read (`BodyFraming`), then `.end`. One framer serves both sides of the router
/// (`RequestFramer` for clients, `ResponseFramer` for replicas). A pure state machine: fed bytes,
/// it returns what they complete, and bytes beyond the current message stay unread until asked for
/// (pipelined requests).
struct MessageFramer<Head: MessageHead> {
    enum Event {
        case head(Head)
        case body(ByteBuffer)
        case end
    }

    /// The longest start line plus headers accepted.
    static var maxHeadBytes: Int { 64 * 1024 }

    private var input = UnframedBytes()
    /// Where each head's relayed header lines are written, reused from head to head.
    private var lines = ByteBuffer()
    /// The current message's body; nil while a head is awaited.
    private var body: BodyFraming?

    /// Whether bytes are waiting to be framed (for a client, a request not asked for yet).
    var hasUnreadBytes: Bool { !input.isEmpty }

    mutating func append(_ bytes: ByteBuffer) {
        input.append(bytes)
    }

    /// The next event the bytes read complete; nil when more bytes are needed.
    mutating func next() throws -> Event? {
        guard var framing = body else {
            return try input.consume { try Self.readHead(&$0, lines: &lines) }.map { head in
                body = head.bodyFraming
                return .head(head)
            }
        }
        let event = framing.isComplete ? .end : try input.consume { try framing.next(&$0) }
        switch event {
        case .body(let part):
            body = framing
            return .body(part)
        case .end:
            body = nil
            return .end
        case nil:
            body = framing
            return nil
        }
    }

    /// The end of a body read until the connection closed (call on close).
    mutating func connectionClosed() -> Event? {
        guard body?.endsWithConnection == true else { return nil }
        body = nil
        return .end
    }

    /// A final head (1xx heads before it skipped); nil when the bytes do not hold one yet.
    private static func readHead(_ buffer: inout ByteBuffer, lines: inout ByteBuffer) throws -> Head? {
        while true {
            // Empty lines before a head are ignored (RFC 9112 §2.2): some clients send CRLF after a body.
            while buffer.readableBytes >= 2, buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) == 0x0D0A {
                buffer.moveReaderIndex(forwardBy: 2)
            }
            let parsed: (Head, Int)? = try buffer.withUnsafeReadableBytes { bytes in
                guard let end = HeaderFields.endOfHead(bytes) else {
                    if bytes.count > maxHeadBytes { throw Head.tooLong }
                    return nil
                }
                guard end + 4 <= maxHeadBytes else { throw Head.tooLong }
                return (
                    try Head(parsing: UnsafeRawBufferPointer(rebasing: bytes[0..<(end + 2)]), lines: &lines), end + 4
                )
            }
            guard let (head, length) = parsed else { return nil }
            buffer.moveReaderIndex(forwardBy: length)
            if head.isFinal { return head }
        }
    }
}

extension MessageFramer.Event: Equatable where Head: Equatable {}
