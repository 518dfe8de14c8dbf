import NIOHTTP1

/// Bytes that are not an HTTP/1.1 message the router accepts: what is wrong, in words a client's
/// developer can act on, and the status a client is answered with (a replica's malformed response
/// is answered 502 whatever this says).
struct FramingError: Error, CustomStringConvertible, Equatable {
    var description: String
    var status: HTTPResponseStatus = .badRequest
}
