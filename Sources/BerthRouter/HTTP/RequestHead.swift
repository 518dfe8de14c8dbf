import NIOCore
import NIOHTTP1

/// A client's request head as the router needs it, read straight from the socket's bytes by
/// `RequestFramer`: what routing, admission and the key check look at, the body's framing, and
/// the end-to-end headers as lines ready to be copied to a replica (no `HTTPHeaders`, no `String`
/// per header: building them was most of a proxied request's cost, docs/benchmarks.md).
///
/// A class: the head travels from the framer through the connection's state into the decision
/// and the forwarded request, and as a struct of a dozen fields each step was a copy and a
/// dozen reference-count operations.
final class RequestHead {
    let method: HTTPMethod
    /// What the target asks the router for.
    let path: RouterPath
    let version: HTTPVersion
    /// Whether the connection may carry another request after this one.
    let keepAlive: Bool
    /// `Expect: 100-continue` with a body to come: the client waits for `100 Continue` first.
    let expectsContinue: Bool
    /// The body's length; nil when it is chunked or absent.
    let contentLength: Int?
    let isChunked: Bool
    let authorization: String?
    /// The client's `x-ms-request-id` and `x-ms-client-request-id`, if it sent them.
    let requestID: String?
    let clientRequestID: String?
    /// The client's W3C `traceparent` and `tracestate`, if it sent them: a tracing router continues
    /// the client's trace from them. They stay in `endToEndLines` too, so a router that does not
    /// trace passes them on unchanged (`ReplicaProxy.Forwarded.continueTrace` drops them when the
    /// router sends its own).
    let traceparent: String?
    let tracestate: String?
    /// The other headers as `name: value` CRLF lines, in the order sent, for the replica: all but
    /// the framing and connection headers, `Host`, `Expect`, `Authorization` (the router decides
    /// whether it goes on), `x-ms-request-id` (the router sets it) and `x-berth-replica-secret`
    /// (only the router's own reaches a replica).
    let endToEndLines: ByteBuffer

    /// Whether a body follows the head.
    var hasBody: Bool { isChunked || (contentLength ?? 0) > 0 }

    init(
        method: HTTPMethod, path: RouterPath, version: HTTPVersion, keepAlive: Bool,
        expectsContinue: Bool, contentLength: Int?, isChunked: Bool, authorization: String?, requestID: String?,
        clientRequestID: String?, traceparent: String? = nil, tracestate: String? = nil, endToEndLines: ByteBuffer
    ) {
        self.method = method
        self.path = path
        self.version = version
        self.keepAlive = keepAlive
        self.expectsContinue = expectsContinue
        self.contentLength = contentLength
        self.isChunked = isChunked
        self.authorization = authorization
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.endToEndLines = endToEndLines
    }
}

extension RequestHead {
    /// Parses a head: the request line and header lines (each ended by CRLF), without the blank line.
    convenience init(parsing bytes: UnsafeRawBufferPointer, lines: inout ByteBuffer) throws {
        let (startLine, section) = HeaderFields.splitStartLine(bytes)
        let (method, path, version) = try Self.requestLine(startLine)
        var contentLength: Int?
        var authorization: String?
        var requestID: String?
        var clientRequestID: String?
        var traceparent: String?
        var tracestate: String?
        var connection = ConnectionOptions()
        var hasTransferEncoding = false
        var expectation: Bool?
        try HeaderFields.rewrite(section, into: &lines) { name, _, value in
            switch name {
            case .contentLength:
                guard contentLength == nil else {
                    throw FramingError(description: "the request has more than one Content-Length")
                }
                guard let length = HeaderFields.length(value) else {
                    throw FramingError(description: "Content-Length is not a non-negative number")
                }
                contentLength = length
            case .transferEncoding:
                guard !hasTransferEncoding, HeaderName.matches(value, "chunked") else {
                    throw FramingError(
                        description:
                            "Transfer-Encoding '\(String(decoding: value, as: UTF8.self))' is not supported; "
                            + "send the body with Content-Length or 'Transfer-Encoding: chunked'",
                        status: .notImplemented)
                }
                hasTransferEncoding = true
            case .connection:
                connection.read(value)
            case .expect:
                guard expectation == nil, HeaderName.matches(value, "100-continue") else {
                    throw FramingError(
                        description: "Expect '\(String(decoding: value, as: UTF8.self))' cannot be met; "
                            + "the router understands only 'Expect: 100-continue'",
                        status: .expectationFailed)
                }
                expectation = true
            case .authorization:
                guard authorization == nil else {
                    throw FramingError(description: "the request has more than one Authorization header")
                }
                authorization = String(decoding: value, as: UTF8.self)
            case .requestID:
                if requestID == nil { requestID = String(decoding: value, as: UTF8.self) }
            case .clientRequestID:
                if clientRequestID == nil { clientRequestID = String(decoding: value, as: UTF8.self) }
                return true
            case .traceparent:
                // Two are as good as none (W3C Trace Context: the receiver starts a new trace).
                traceparent = traceparent == nil ? String(decoding: value, as: UTF8.self) : ""
                return true
            case .tracestate:
                // Several `tracestate` fields are one list (RFC 9110 §5.3).
                let state = String(decoding: value, as: UTF8.self)
                tracestate = tracestate.map { "\($0),\(state)" } ?? state
                return true
            case .host, .otherHopByHop, .replicaSecret:
                break
            case .runFunctionFailed, .runExecMilliseconds, .endpointVersion, .other:
                return true
            }
            return false
        }
        if hasTransferEncoding {
            guard contentLength == nil else {
                throw FramingError(
                    description: "the request has both Content-Length and Transfer-Encoding; send one of them")
            }
            guard version == .http1_1 else {
                throw FramingError(description: "an HTTP/1.0 request cannot have Transfer-Encoding")
            }
        }
        self.init(
            method: method, path: path, version: version,
            keepAlive: connection.keepsAlive(version),
            expectsContinue: expectation == true && version == .http1_1, contentLength: contentLength,
            isChunked: hasTransferEncoding, authorization: authorization, requestID: requestID,
            clientRequestID: clientRequestID, traceparent: traceparent, tracestate: tracestate,
            endToEndLines: connection.listed.isEmpty ? lines : Self.dropping(connection.listed, from: lines)
        )
    }

    /// `METHOD SP request-target SP HTTP-version` (RFC 9112 §3), strictly: single spaces, a
    /// token method, a target of visible ASCII, HTTP/1.1 or HTTP/1.0.
    private static func requestLine(_ line: UnsafeRawBufferPointer) throws -> (HTTPMethod, RouterPath, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: 32), firstSpace > 0,
            let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 32), secondSpace > firstSpace + 1
        else { throw FramingError(description: "the request line is not 'METHOD target HTTP/1.1'") }
        let methodBytes = UnsafeRawBufferPointer(rebasing: line[0..<firstSpace])
        guard methodBytes.allSatisfy(HeaderFields.isTokenByte) else {
            throw FramingError(description: "the method is not a token")
        }
        let target = UnsafeRawBufferPointer(rebasing: line[(firstSpace + 1)..<secondSpace])
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw FramingError(
                description: "the request target has a byte that is not visible ASCII; percent-encode it")
        }
        let versionBytes = UnsafeRawBufferPointer(rebasing: line[(secondSpace + 1)...])
        let version: HTTPVersion
        if HeaderName.equals(versionBytes, "HTTP/1.1") {
            version = .http1_1
        } else if HeaderName.equals(versionBytes, "HTTP/1.0") {
            version = .http1_0
        } else if HeaderName.hasPrefix(versionBytes, "HTTP/") {
            throw FramingError(
                description: "the router speaks HTTP/1.1 and HTTP/1.0 only", status: .httpVersionNotSupported)
        } else {
            throw FramingError(description: "the request line is not 'METHOD target HTTP/1.1'")
        }
        return (method(methodBytes), RouterPath(target: target), version)
    }

    private static func method(_ bytes: UnsafeRawBufferPointer) -> HTTPMethod {
        if HeaderName.equals(bytes, "POST") { return .POST }
        if HeaderName.equals(bytes, "GET") { return .GET }
        return HTTPMethod(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// `lines` without the headers a `Connection` header listed (lowercase names): they were for
    /// this hop only.
    static func dropping(_ listed: [String], from lines: ByteBuffer) -> ByteBuffer {
        var kept = ByteBuffer()
        do {
            try lines.withUnsafeReadableBytes { bytes in
                try HeaderFields.rewrite(bytes, into: &kept) { _, name, _ in
                    !listed.contains(String(decoding: name, as: UTF8.self).lowercased())
                }
            }
            return kept
        } catch {
            return lines  // The lines were checked once already, so this is not reached.
        }
    }
}
