import NIOCore
import NIOHTTP1

/// Writes a request to a replica as HTTP/1.1 bytes, head and body in one buffer (one `writev`),
/// in place of NIO's `HTTPRequestEncoder` (see `ResponseFramer` for why).
///
/// The head comes from `ReplicaProxy.forwarded`: headers parsed and validated by NIO's decoder
/// from the client, or the router's own, with `Content-Length` set when there is a body.
enum RequestEncoding {
    static func encode(_ head: HTTPRequestHead, body: ByteBuffer?, allocator: ByteBufferAllocator) -> ByteBuffer {
        var size = head.uri.utf8.count + 32 + (body?.readableBytes ?? 0)
        for (name, value) in head.headers { size += name.utf8.count + value.utf8.count + 4 }
        var buffer = allocator.buffer(capacity: size)
        buffer.writeString(head.method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        for (name, value) in head.headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        if var body { buffer.writeBuffer(&body) }
        return buffer
    }
}
