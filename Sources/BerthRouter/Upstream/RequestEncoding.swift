import BerthCore
import BerthTracing
import NIOCore
import NIOHTTP1

/// Writes a request to a replica as HTTP/1.1 bytes, head and body in one buffer (one `writev`),
/// in place of NIO's `HTTPRequestEncoder` (see `ResponseFramer` for why).
///
/// The client's end-to-end header lines are copied as `RequestFramer` checked and wrote them
/// (`RequestHead.endToEndLines`); the rest are the router's own, the replica secret among them.
enum RequestEncoding {
    /// Appends the request to `buffer` (the connection's `ReusableBuffer`, empty).
    static func encode(_ request: ReplicaProxy.Forwarded, host: String, into buffer: inout ByteBuffer) {
        let headBytes =
            // METHOD SP target " HTTP/1.1" CRLF
            request.method.rawValue.utf8.count + request.target.utf8.count + 12
            + HeadWriter.headerLineBytes("Host", host) + request.lines.readableBytes
            + (request.authorization.map { HeadWriter.headerLineBytes("Authorization", $0) } ?? 0)
            + (request.replicaSecret.map { HeadWriter.headerLineBytes(ReplicaAuthentication.headerName, $0) } ?? 0)
            + HeadWriter.requestIDLineBytes(request.requestID) + HeadWriter.contentLengthLineBytes + 2
        let traceLineBytes = request.trace.map(traceBytes) ?? 0
        buffer.reserveCapacity(minimumWritableBytes: headBytes + traceLineBytes + (request.body?.readableBytes ?? 0))
        buffer.writeHead(maxBytes: headBytes + traceLineBytes) { head in
            head.append(request.method.rawValue)
            head.append(UInt8(ascii: " "))
            head.append(request.target)
            head.append(" HTTP/1.1\r\n")
            head.appendHeaderLine("Host", host)
            head.append(request.lines)
            if let authorization = request.authorization { head.appendHeaderLine("Authorization", authorization) }
            if let secret = request.replicaSecret { head.appendHeaderLine(ReplicaAuthentication.headerName, secret) }
            head.appendRequestID(request.requestID)
            if let trace = request.trace {
                for field in trace.fields where isHeaderSafe(field) { head.appendHeaderLine(field.name, field.value) }
            }
            if let length = request.contentLength { head.appendContentLength(length) }
            head.append("\r\n")
        }
        if var body = request.body { buffer.writeBuffer(&body) }
    }

    /// The bytes the trace-context lines take.
    private static func traceBytes(_ trace: TraceHeaders) -> Int {
        trace.fields.reduce(0) { $0 + HeadWriter.headerLineBytes($1.name, $1.value) }
    }

    /// Whether a tracer's field can go out as a header line as it is: a token name and a value
    /// without control characters (a propagator writes such, but the line must not break the head).
    private static func isHeaderSafe(_ field: TraceHeaders.Field) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(HeaderFields.isTokenByte)
            && field.value.utf8.allSatisfy { $0 >= 32 && $0 != 127 || $0 == 9 }
    }
}
