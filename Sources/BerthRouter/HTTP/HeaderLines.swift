import NIOCore
import NIOHTTP1

/// The end of every head the router writes itself: requests to replicas (`RequestEncoding`) and
/// responses to clients (`ResponseEncoding`).
extension ByteBuffer {
    /// Writes `headers` as `name: value` lines and the blank line that ends the head.
    mutating func writeHeaderLines(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}

extension HTTPHeaders {
    /// The bytes `writeHeaderLines` writes for these headers, to size a buffer once.
    var encodedSize: Int {
        reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }
}
