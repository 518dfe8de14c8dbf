import NIOCore
import NIOHTTP1

/// Reads a replica's HTTP/1.1 responses straight from the socket's bytes: the status line and
/// headers, then the body as slices of the bytes read (no copy), framed by `Content-Length`,
/// chunked encoding (decoded) or the connection's end.
///
/// It replaces NIO's `HTTPResponseDecoder` on replica connections, which with its encoder on the
/// request side was the larger part of a proxied request's CPU time (a bare SwiftNIO proxy costs
/// 2–3× a raw byte relay over the same channels; docs/benchmarks.md). Replicas are Berth's own
/// `berth replica` servers, but anything malformed is still refused (`Malformed`), and the router
/// answers the client 502. A pure state machine: fed bytes, it returns what they complete.
///
/// The router forwards only GET and POST, so a response's body is framed by its headers alone
/// (no HEAD request whose response would carry a length but no body).
struct ResponseFramer {
    enum Event: Equatable {
        /// A final (non-1xx) head; `keepAlive` says whether the connection may carry another request.
        case head(HTTPResponseHead, keepAlive: Bool)
        case body(ByteBuffer)
        case end
    }

    /// The bytes are not an HTTP/1.1 response.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        /// The body's last bytes went out, or it has none: `.end` is next.
        case endPending
        /// After a response that closes the connection: nothing more is expected.
        case done
    }

    /// The longest status line plus headers accepted.
    static let maxHeadBytes = 64 * 1024
    /// The longest chunk-size line accepted (size plus extensions).
    static let maxChunkLineBytes = 4096

    private var state = State.head

    /// The next event the bytes in `buffer` complete, consuming them; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws -> Event? {
        switch state {
        case .head:
            return try readHead(&buffer)
        case .fixed(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let count = min(remaining, buffer.readableBytes)
            let slice = buffer.readSlice(length: count)!
            state = count == remaining ? .endPending : .fixed(remaining: remaining - count)
            return .body(slice)
        case .chunkSize:
            guard let line = try readLine(&buffer, limit: Self.maxChunkLineBytes) else { return nil }
            let digits = line.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != UInt8(ascii: " ") && $0 != 9 }
            guard !digits.isEmpty, digits.count <= 15,
                let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
            else { throw Malformed(description: "a chunk size line is not hexadecimal") }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
            return try next(&buffer)
        case .chunkData(let remaining):
            guard buffer.readableBytes > 0 else { return nil }
            let count = min(remaining, buffer.readableBytes)
            let slice = buffer.readSlice(length: count)!
            state = count == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - count)
            return .body(slice)
        case .chunkDataEnd:
            guard let line = try readLine(&buffer, limit: 2) else { return nil }
            guard line.isEmpty else { throw Malformed(description: "a chunk does not end with CRLF") }
            state = .chunkSize
            return try next(&buffer)
        case .trailers:
            guard let line = try readLine(&buffer, limit: Self.maxHeadBytes) else { return nil }
            if line.isEmpty {
                state = .head
                return .end
            }
            return try next(&buffer)
        case .untilClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .endPending:
            state = .head
            return .end
        case .done:
            guard buffer.readableBytes == 0 else { throw Malformed(description: "bytes after the last response") }
            return nil
        }
    }

    /// The end of a response read until the connection closed (call on close).
    mutating func connectionClosed() -> Event? {
        guard case .untilClose = state else { return nil }
        state = .done
        return .end
    }

    // MARK: Head

    private mutating func readHead(_ buffer: inout ByteBuffer) throws -> Event? {
        let view = buffer.readableBytesView
        guard let end = Self.endOfHead(in: view) else {
            if view.count > Self.maxHeadBytes { throw Malformed(description: "the response head is too long") }
            return nil
        }
        let headBytes = view[view.startIndex..<end]
        buffer.moveReaderIndex(forwardBy: end - view.startIndex + 4)
        var lines = Self.lines(of: headBytes)
        guard !lines.isEmpty else { throw Malformed(description: "an empty response head") }
        let (version, status) = try Self.statusLine(lines.removeFirst())
        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count)
        var contentLength: Int?
        var chunked = false
        var connection: String?
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw Malformed(description: "a header line has no name")
            }
            let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            if ReplicaProxy.equalsIgnoringCase(name, "content-length") {
                guard let length = Int(value), length >= 0, contentLength == nil || contentLength == length else {
                    throw Malformed(description: "a bad Content-Length")
                }
                contentLength = length
            } else if ReplicaProxy.equalsIgnoringCase(name, "transfer-encoding") {
                chunked = value.lowercased().split(separator: ",").last?.trimmingSpaces() == "chunked"
                if !chunked { throw Malformed(description: "a transfer coding other than chunked") }
            } else if ReplicaProxy.equalsIgnoringCase(name, "connection") {
                connection = value.lowercased()
            }
            headers.add(name: name, value: value)
        }
        if status.code < 200 { return try readHead(&buffer) }  // 1xx: the real head follows.
        var keepAlive =
            version == .http1_1 ? connection?.contains("close") != true : connection?.contains("keep-alive") == true
        if ResponseEncoding.hasNoBody(status) || contentLength == 0 && !chunked {
            state = .endPending
        } else if chunked {
            state = .chunkSize
        } else if let contentLength {
            state = .fixed(remaining: contentLength)
        } else {
            state = .untilClose
            keepAlive = false
        }
        return .head(HTTPResponseHead(version: version, status: status, headers: headers), keepAlive: keepAlive)
    }

    /// The index of the `\r\n\r\n` that ends the head, if the bytes hold it.
    private static func endOfHead(in view: ByteBufferView) -> Int? {
        var index = view.startIndex
        let last = view.endIndex - 3
        while index < last {
            if view[index] == 13 && view[index + 1] == 10 && view[index + 2] == 13 && view[index + 3] == 10 {
                return index
            }
            index += 1
        }
        return nil
    }

    private static func lines(of head: ByteBufferView.SubSequence) -> [ByteBufferView.SubSequence] {
        var lines: [ByteBufferView.SubSequence] = []
        var start = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            if head[index] == 10 {
                let end = index > start && head[index - 1] == 13 ? index - 1 : index
                lines.append(head[start..<end])
                start = index + 1
            }
            index += 1
        }
        lines.append(head[start..<head.endIndex])
        return lines
    }

    private static func statusLine(_ line: ByteBufferView.SubSequence) throws -> (HTTPVersion, HTTPResponseStatus) {
        let parts = line.split(separator: UInt8(ascii: " "), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].elementsEqual("HTTP/1.1".utf8) || parts[0].elementsEqual("HTTP/1.0".utf8),
            parts[1].count == 3, let code = Int(String(decoding: parts[1], as: UTF8.self)), code >= 100
        else { throw Malformed(description: "not an HTTP/1.x status line") }
        let version: HTTPVersion = parts[0].last == UInt8(ascii: "1") ? .http1_1 : .http1_0
        let reason = parts.count == 3 ? String(decoding: parts[2], as: UTF8.self) : ""
        return (version, HTTPResponseStatus(statusCode: code, reasonPhrase: reason))
    }

    private static func trimmed(_ bytes: ByteBufferView.SubSequence) -> ByteBufferView.SubSequence {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 32 || bytes[start] == 9 { start += 1 }
        while end > start, bytes[end - 1] == 32 || bytes[end - 1] == 9 { end -= 1 }
        return bytes[start..<end]
    }

    /// A CRLF-ended line (without it), consumed; nil when the bytes do not hold a whole line yet.
    private func readLine(_ buffer: inout ByteBuffer, limit: Int) throws -> ByteBufferView.SubSequence? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 10) else {
            if view.count > limit + 2 { throw Malformed(description: "a line is too long") }
            return nil
        }
        guard newline > view.startIndex, view[newline - 1] == 13 else {
            throw Malformed(description: "a line ends without CR")
        }
        let line = view[view.startIndex..<(newline - 1)]
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        return line
    }
}
