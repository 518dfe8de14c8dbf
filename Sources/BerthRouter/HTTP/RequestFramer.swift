import NIOHTTP1

/// Reads a client's HTTP/1.1 requests straight from the socket's bytes: the head
/// (`RequestHead`), then the body as slices of the bytes read, framed by `Content-Length` or
/// chunked encoding (decoded). It replaces NIO's `HTTPRequestDecoder`, whose header strings were
/// the larger part of what the router spent on a request once replicas were spoken to in bytes
/// (docs/benchmarks.md).
///
/// It is strict where leniency lets a request mean two things to two servers (request
/// smuggling): both `Content-Length` and `Transfer-Encoding`, several or malformed lengths, a
/// transfer coding other than chunked, line folding and stray control characters are refused with
/// a `FramingError` saying which (`RequestHead`), after which the connection closes.
typealias RequestFramer = MessageFramer<RequestHead>

extension RequestHead: MessageHead {
    var bodyFraming: BodyFraming { isChunked ? .chunked : .length(contentLength ?? 0) }
    var isFinal: Bool { true }
    static var tooLong: FramingError {
        FramingError(
            description: "the request line and headers are longer than \(RequestFramer.maxHeadBytes) bytes",
            status: .requestHeaderFieldsTooLarge)
    }
}
