import NIOCore
import NIOHTTP1

/// Writes response heads and chunk frames to clients as HTTP/1.1 bytes, in place of NIO's
/// `HTTPResponseEncoder` (see `ResponseFramer` for why the router speaks HTTP/1.1 itself).
///
/// Header lines come from `ResponseHead` (a replica's, validated there) or are the router's own.
enum ResponseEncoding {
    /// `HTTP/1.1 <code> <reason>` and CRLF.
    static func writeStatusLine(_ status: HTTPResponseStatus, to buffer: inout ByteBuffer) {
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(status.code))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(status.reasonPhrase)
        buffer.writeStaticString("\r\n")
    }

    /// The size line that opens a chunk of `count` bytes.
    static func chunkStart(_ count: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 18)
        buffer.writeString(String(count, radix: 16))
        buffer.writeStaticString("\r\n")
        return buffer
    }

    static let chunkEnd = ByteBuffer(string: "\r\n")
    static let lastChunk = ByteBuffer(string: "0\r\n\r\n")
    static let continueHead = ByteBuffer(string: "HTTP/1.1 100 Continue\r\n\r\n")

    /// Whether a response with `status` has no body whatever its headers say.
    static func hasNoBody(_ status: HTTPResponseStatus) -> Bool {
        status.code < 200 || status == .noContent || status == .notModified
    }
}
