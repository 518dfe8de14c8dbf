import NIOCore
import NIOHTTP1

/// A scoring request as the worker receives it: a `request` frame.
struct WorkerRequest: Sendable {
    var method: HTTPMethod
    /// The path without the query string.
    var path: Substring
    /// The raw query string without `?`; empty when none.
    var query: Substring
    var headers: HTTPHeaders
    var body: ByteBuffer

    /// Bodies up to this size are copied behind the header so the frame goes out in one write.
    static let inlineBodyLimit = 16 * 1024

    /// Encodes the frame for request `id`: the prefix and header, plus the body when it is small
    /// (one write), else the body separately (no copy of a large body).
    func encodeFrame(id: UInt64, allocator: ByteBufferAllocator) -> (head: ByteBuffer, body: ByteBuffer?) {
        let inline = body.readableBytes <= Self.inlineBodyLimit
        var buffer = allocator.buffer(capacity: 256 + headers.count * 48 + (inline ? body.readableBytes : 0))
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(UInt64(body.readableBytes))
        let headerStart = buffer.writerIndex
        buffer.writeStaticString(#"{"type":"request","id":"#)
        buffer.writeString(String(id))
        buffer.writeStaticString(#","method":"#)
        buffer.writeJSONString(method.rawValue)
        buffer.writeStaticString(#","path":"#)
        buffer.writeJSONString(path)
        buffer.writeStaticString(#","query":"#)
        buffer.writeJSONString(query)
        buffer.writeStaticString(#","headers":["#)
        var first = true
        for (name, value) in headers {
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeInteger(UInt8(ascii: "["))
            buffer.writeJSONString(name)
            buffer.writeInteger(UInt8(ascii: ","))
            buffer.writeJSONString(value)
            buffer.writeInteger(UInt8(ascii: "]"))
        }
        buffer.writeStaticString("]}")
        buffer.setInteger(UInt32(buffer.writerIndex - headerStart), at: 0)
        if inline {
            var body = body
            buffer.writeBuffer(&body)
            return (buffer, nil)
        }
        return (buffer, body)
    }
}

extension ByteBuffer {
    /// Writes `string` as a JSON string literal, escaping quotes, backslashes and control bytes.
    ///
    /// The request frame is the one JSON Berth writes by hand rather than with `BerthJSON`: it is
    /// written once per scoring request on the replica's event loop, straight into the frame's
    /// buffer with no intermediate `Data` (the fuzz target `fuzz-worker-frames` covers it).
    mutating func writeJSONString(_ string: some StringProtocol) {
        writeInteger(UInt8(ascii: "\""))
        let utf8 = string.utf8
        let needsEscaping = utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        if !needsEscaping {
            writeBytes(utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): writeStaticString(#"\""#)
                case UInt8(ascii: "\\"): writeStaticString(#"\\"#)
                case UInt8(ascii: "\n"): writeStaticString(#"\n"#)
                case UInt8(ascii: "\r"): writeStaticString(#"\r"#)
                case UInt8(ascii: "\t"): writeStaticString(#"\t"#)
                case ..<0x20:
                    writeStaticString(#"\u00"#)
                    writeInteger(hexDigit(byte >> 4))
                    writeInteger(hexDigit(byte & 0xF))
                default: writeInteger(byte)
                }
            }
        }
        writeInteger(UInt8(ascii: "\""))
    }
}

private func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
}
