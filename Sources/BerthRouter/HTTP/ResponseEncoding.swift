import NIOCore
import NIOHTTP1

/// Writes response heads and chunk frames to clients as HTTP/1.1 bytes, in place of NIO's
/// `HTTPResponseEncoder` (see `ResponseFramer` for why the router speaks HTTP/1.1 itself).
///
/// Header lines come from `ResponseHead` (a replica's, validated there) or are the router's own.
enum ResponseEncoding {
    /// `HTTP/1.1 <code> <reason>` and CRLF.
    static func appendStatusLine(_ status: HTTPResponseStatus, to head: inout HeadWriter) {
        head.append("HTTP/1.1 ")
        head.append(decimal: Int(status.code))
        head.append(UInt8(ascii: " "))
        head.append(status.reasonPhrase)
        head.append("\r\n")
    }

    /// The most bytes `appendStatusLine` writes for `status`.
    static func statusLineBytes(_ status: HTTPResponseStatus) -> Int {
        16 + status.reasonPhrase.utf8.count
    }

    static let chunkEnd = ByteBuffer(string: "\r\n")
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
    static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// Whether a response with `status` has no body whatever its headers say.
    static func hasNoBody(_ status: HTTPResponseStatus) -> Bool {
        status.code < 200 || status == .noContent || status == .notModified
    }
}

extension ByteBuffer {
    /// The size line that opens a chunk of `count` bytes.
    mutating func writeChunkStart(_ count: Int) {
        writeString(String(count, radix: 16))
        writeStaticString("\r\n")
    }
}
