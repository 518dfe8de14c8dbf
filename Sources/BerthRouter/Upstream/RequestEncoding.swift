import NIOCore
import NIOHTTP1

/// Writes a request to a replica as HTTP/1.1 bytes, head and body in one buffer (one `writev`),
/// in place of NIO's `HTTPRequestEncoder` (see `ResponseFramer` for why).
///
/// The client's end-to-end header lines are copied as `RequestFramer` checked and wrote them
/// (`RequestHead.endToEndLines`); the rest are the router's own.
enum RequestEncoding {
    static func encode(_ request: ReplicaProxy.Forwarded, host: String, allocator: ByteBufferAllocator) -> ByteBuffer {
        var lines = request.lines
        let size =
            request.target.utf8.count + host.utf8.count + lines.readableBytes + (request.authorization?.utf8.count ?? 0)
            + request.requestID.utf8.count + 128 + (request.body?.readableBytes ?? 0)
        var buffer = allocator.buffer(capacity: size)
        buffer.writeString(request.method.rawValue)
        buffer.writeInteger(UInt8(ascii: " "))
        buffer.writeString(request.target)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        buffer.writeHeaderLine("Host", host)
        buffer.writeBuffer(&lines)
        if let authorization = request.authorization { buffer.writeHeaderLine("Authorization", authorization) }
        buffer.writeHeaderLine("x-ms-request-id", request.requestID)
        if let length = request.contentLength { buffer.writeHeaderLine("Content-Length", String(length)) }
        buffer.writeStaticString("\r\n")
        if var body = request.body { buffer.writeBuffer(&body) }
        return buffer
    }
}
