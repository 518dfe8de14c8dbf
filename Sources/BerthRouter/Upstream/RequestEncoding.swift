import NIOCore
import NIOHTTP1

/// Writes a request to a replica as HTTP/1.1 bytes, head and body in one buffer (one `writev`),
/// in place of NIO's `HTTPRequestEncoder` (see `ResponseFramer` for why).
///
/// The head comes from `ReplicaProxy.forwarded`: headers parsed and validated by NIO's decoder
/// from the client, or the router's own, with `Content-Length` set when there is a body.
enum RequestEncoding {
    static func encode(_ head: HTTPRequestHead, body: ByteBuffer?, allocator: ByteBufferAllocator) -> ByteBuffer {
        let size = head.uri.utf8.count + 32 + (body?.readableBytes ?? 0) + head.headers.encodedSize
        var buffer = allocator.buffer(capacity: size)
        buffer.writeString(head.method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        buffer.writeHeaderLines(head.headers)
        if var body { buffer.writeBuffer(&body) }
        return buffer
    }
}
