import NIOCore
import NIOHTTP1

extension ByteBuffer {
    /// Writes `headers` as `name: value` lines (the router's own responses).
    mutating func writeHeaderLines(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
    }

    /// Writes one `name: value` line.
    mutating func writeHeaderLine(_ name: StaticString, _ value: String) {
        writeStaticString(name)
        writeStaticString(": ")
        writeString(value)
        writeStaticString("\r\n")
    }
}

extension HTTPHeaders {
    /// The bytes `writeHeaderLines` writes for these headers, to size a buffer once.
    var encodedSize: Int {
        reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
    }
}
