import NIOCore

/// Writes a head's pieces into a buffer's writable bytes with plain memory copies, so a head is
/// one `ByteBuffer` call instead of one per piece: each of those checks capacity, uniqueness and
/// (NIO being built with exclusivity checks) memory access, which added up to more than the
/// copying itself (docs/benchmarks.md).
///
/// The caller states an upper bound of the bytes it writes; going past it is a programming error
/// caught by a precondition, never a write out of bounds.
struct HeadWriter {
    private let base: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ base: UnsafeMutableRawBufferPointer) { self.base = base }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        precondition(count + bytes.count <= base.count, "HeadWriter: more bytes than announced")
        (base.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if copied == nil { for byte in text.utf8 { append(byte) } }
    }

    mutating func append(_ bytes: ByteBuffer) {
        bytes.withUnsafeReadableBytes { append($0) }
    }

    mutating func append(_ byte: UInt8) {
        precondition(count < base.count, "HeadWriter: more bytes than announced")
        base[count] = byte
        count += 1
    }

    /// Lets `write` fill the next `count` bytes in place.
    mutating func appendBytes(_ count: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        precondition(count + self.count <= base.count, "HeadWriter: more bytes than announced")
        write(UnsafeMutableRawBufferPointer(rebasing: base[self.count..<(self.count + count)]))
        self.count += count
    }

    /// `value` in decimal (a length, a status code); non-negative.
    mutating func append(decimal value: Int) {
        precondition(value >= 0)
        var digits = 1
        var rest = value / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        precondition(count + digits <= base.count, "HeadWriter: more bytes than announced")
        var remaining = value
        for offset in stride(from: digits - 1, through: 0, by: -1) {
            base[count + offset] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
        count += digits
    }

    /// `name: value` and CRLF.
    mutating func appendHeaderLine(_ name: StaticString, _ value: String) {
        append(name)
        append(": ")
        append(value)
        append("\r\n")
    }

    /// `name: value` and CRLF, for a name known only at run time (a tracer's propagation fields).
    mutating func appendHeaderLine(_ name: String, _ value: String) {
        append(name)
        append(": ")
        append(value)
        append("\r\n")
    }

    /// `name: value` and CRLF.
    mutating func appendHeaderLine(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) {
        append(name)
        append(": ")
        append(value)
        append("\r\n")
    }

    /// `Content-Length: <length>` and CRLF.
    mutating func appendContentLength(_ length: Int) {
        append("Content-Length: ")
        append(decimal: length)
        append("\r\n")
    }

    /// The most bytes `appendContentLength` writes.
    static let contentLengthLineBytes = 16 + 20 + 2

    /// The most bytes `appendHeaderLine(name, value)` writes.
    static func headerLineBytes(_ name: StaticString, _ value: String) -> Int {
        name.utf8CodeUnitCount + value.utf8.count + 4
    }

    /// The most bytes `appendHeaderLine(name, value)` writes for a run-time name.
    static func headerLineBytes(_ name: String, _ value: String) -> Int {
        name.utf8.count + value.utf8.count + 4
    }
}

extension ByteBuffer {
    /// Writes at most `maxBytes` bytes through a `HeadWriter`, in one call.
    mutating func writeHead(maxBytes: Int, _ write: (inout HeadWriter) throws -> Void) rethrows {
        _ = try writeWithUnsafeMutableBytes(minimumWritableBytes: maxBytes) { pointer in
            var writer = HeadWriter(pointer)
            try write(&writer)
            return writer.count
        }
    }
}
