import NIOHTTP1

/// Reads a replica's HTTP/1.1 responses straight from the socket's bytes: the status line and
/// headers (`ResponseHead`; 1xx heads skipped), then the body as slices of the bytes read (no
/// copy), framed by `Content-Length`, chunked encoding (decoded) or the connection's end.
///
/// It replaces NIO's `HTTPResponseDecoder` on replica connections, which with its encoder on the
/// request side was the larger part of a proxied request's CPU time (a bare SwiftNIO proxy costs
/// 2–3× a raw byte relay over the same channels; docs/benchmarks.md). Replicas are Berth's own
/// `berth replica` servers, but anything malformed is still refused (`FramingError`), and the
/// router answers the client 502.
///
/// The router forwards only GET and POST, so a response's body is framed by its headers alone
/// (no HEAD request whose response would carry a length but no body).
typealias ResponseFramer = MessageFramer<ResponseHead>

extension ResponseHead: MessageHead {
    var bodyFraming: BodyFraming {
        if ResponseEncoding.hasNoBody(status) { return .none }
        if isChunked { return .chunked }
        if let contentLength { return .length(contentLength) }
        return .untilClose
    }

    var isFinal: Bool { status.code >= 200 }

    static var tooLong: FramingError { FramingError(description: "the response head is too long") }
}
