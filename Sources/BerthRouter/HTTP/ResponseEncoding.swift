import NIOCore
import NIOHTTP1

/// Writes response heads and chunk frames to clients as HTTP/1.1 bytes, in place of NIO's
/// `HTTPResponseEncoder` (see `ResponseFramer` for why the router speaks HTTP/1.1 itself).
///
/// Header names and values come from NIO's decoder (a client's or a replica's, validated there),
/// from `ResponseFramer` (a replica's, split at CRLF so they hold none) or are the router's own.
enum ResponseEncoding {
    /// `HTTP/1.1 <code> <reason>`, the headers and the blank line.
    static func head(_ head: HTTPResponseHead, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 64 + head.headers.encodedSize)
        buffer.writeStaticString("HTTP/1.1 ")
        buffer.writeString(String(head.status.code))
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(head.status.reasonPhrase)
        buffer.writeStaticString("\r\n")
        buffer.writeHeaderLines(head.headers)
        return buffer
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

    /// Whether a response with `status` has no body whatever its headers say.
    static func hasNoBody(_ status: HTTPResponseStatus) -> Bool {
        status.code < 200 || status == .noContent || status == .notModified
    }
}
