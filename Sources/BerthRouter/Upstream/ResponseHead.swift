import NIOCore
import NIOHTTP1

/// A replica's response head as the router relays it, read from the socket's bytes by
/// `ResponseFramer`: the status, the body's framing, whether `run()` raised, and the end-to-end
/// headers as lines ready to be copied to the client.
struct ResponseHead: Equatable {
    var status: HTTPResponseStatus
    /// Whether the replica connection may carry another request.
    var keepAlive: Bool
    /// The body's length; nil when it is chunked or ends with the connection.
    var contentLength: Int?
    var isChunked: Bool
    /// `x-ms-run-function-failed: true`: the entry script's `run()` raised.
    var runFailed: Bool
    /// `x-ms-run-fn-exec-ms`: how long `run()` took, in milliseconds; nil when the replica did not say.
    var runMilliseconds: Double? = nil
    /// The other headers as `name: value` CRLF lines, in the replica's order: all but the framing
    /// and connection headers and the ids the router sets itself (`x-ms-request-id`,
    /// `x-ms-client-request-id`, `x-berth-endpoint-version`).
    var endToEndLines: ByteBuffer
}

extension ResponseHead {
    /// Parses a head: the status line and header lines (each ended by CRLF), without the blank line.
    init(parsing bytes: UnsafeRawBufferPointer, lines: inout ByteBuffer) throws {
        let (startLine, section) = HeaderFields.splitStartLine(bytes)
        let (version, status) = try Self.statusLine(startLine)
        var contentLength: Int?
        var chunked = false
        var connection = ConnectionOptions()
        var runFailed = false
        var runMilliseconds: Double?
        try HeaderFields.rewrite(section, into: &lines) { name, _, value in
            switch name {
            case .contentLength:
                guard let length = HeaderFields.length(value), contentLength == nil || contentLength == length else {
                    throw FramingError(description: "a bad Content-Length")
                }
                contentLength = length
            case .transferEncoding:
                var last: UnsafeRawBufferPointer?
                HeaderFields.forEachElement(of: value) { last = $0 }
                chunked = last.map { HeaderName.matches($0, "chunked") } ?? false
                if !chunked { throw FramingError(description: "a transfer coding other than chunked") }
            case .connection:
                connection.read(value)
            case .runFunctionFailed:
                runFailed = HeaderName.matches(value, "true")
                return true
            case .runExecMilliseconds:
                runMilliseconds = Self.milliseconds(value)
                return true
            case .requestID, .clientRequestID, .endpointVersion, .replicaSecret, .host, .expect, .otherHopByHop:
                break
            case .authorization, .traceparent, .tracestate, .other:
                return true
            }
            return false
        }
        // A body without a length ends with the connection, which then carries nothing more.
        let framed = chunked || contentLength != nil || ResponseEncoding.hasNoBody(status)
        self.init(
            status: status, keepAlive: framed && connection.keepsAlive(version),
            contentLength: chunked ? nil : contentLength, isChunked: chunked, runFailed: runFailed,
            runMilliseconds: runMilliseconds, endToEndLines: lines)
    }

    /// `12.345`: digits with at most one dot, as the replica writes `x-ms-run-fn-exec-ms`; nil otherwise.
    static func milliseconds(_ value: UnsafeRawBufferPointer) -> Double? {
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var scale: Int64 = 1
        var seenDot = false
        guard !value.isEmpty, value.count <= 18 else { return nil }
        for byte in value {
            if byte == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                if seenDot {
                    fraction = fraction * 10 + Int64(byte - UInt8(ascii: "0"))
                    scale *= 10
                } else {
                    whole = whole * 10 + Int64(byte - UInt8(ascii: "0"))
                }
            } else {
                return nil
            }
        }
        return Double(whole) + Double(fraction) / Double(scale)
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason]`.
    private static func statusLine(_ line: UnsafeRawBufferPointer) throws -> (HTTPVersion, HTTPResponseStatus) {
        let version: HTTPVersion
        if HeaderName.hasPrefix(line, "HTTP/1.1 ") {
            version = .http1_1
        } else if HeaderName.hasPrefix(line, "HTTP/1.0 ") {
            version = .http1_0
        } else {
            throw FramingError(description: "not an HTTP/1.x status line")
        }
        guard line.count >= 12, line.count == 12 || line[12] == 32 else {
            throw FramingError(description: "not an HTTP/1.x status line")
        }
        var code = 0
        for byte in line[9..<12] {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else {
                throw FramingError(description: "not an HTTP/1.x status line")
            }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        guard code >= 100 else { throw FramingError(description: "not an HTTP/1.x status line") }
        // The usual phrase for the code ("200 OK") is NIO's own constant; only another one makes a String.
        let standard = HTTPResponseStatus(statusCode: code)
        let reason = UnsafeRawBufferPointer(rebasing: line[min(13, line.count)...])
        if HeaderName.equals(reason, standard.reasonPhrase) { return (version, standard) }
        // Tabs, spaces, visible characters and obs-text only (RFC 9112 §4): the phrase is relayed in
        // the status line the router writes, where a CR or LF would end it early and start a header.
        guard reason.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            throw FramingError(description: "a control character in the reason phrase")
        }
        return (version, HTTPResponseStatus(statusCode: code, reasonPhrase: String(decoding: reason, as: UTF8.self)))
    }
}
