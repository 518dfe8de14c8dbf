import NIOHTTP1

/// The router's own responses keep their few headers in `HTTPHeaders` (`RouterResponse`); these
/// write them into a head.
extension HTTPHeaders {
    /// The bytes these headers take as `name: value` CRLF lines, to size a buffer once.
    var encodedSize: Int {
        reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }
}

extension HeadWriter {
    /// Each of `headers` as a `name: value` CRLF line (`HTTPHeaders.encodedSize` bytes).
    mutating func appendHeaderLines(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            append(name)
            append(": ")
            append(value)
            append("\r\n")
        }
    }
}
