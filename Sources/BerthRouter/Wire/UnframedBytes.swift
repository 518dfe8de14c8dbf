import NIOCore

/// Bytes read from a socket that no message has consumed yet: the start of a head split across
/// reads, or a pipelined request waiting its turn. Kept across reads by the framers, and let go of
/// once consumed, so the channel can reuse its read buffer.
struct UnframedBytes {
    private var buffer: ByteBuffer?

    var isEmpty: Bool { (buffer?.readableBytes ?? 0) == 0 }

    mutating func append(_ bytes: ByteBuffer) {
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            buffer!.writeBuffer(&bytes)
        }
    }

    /// Runs `body` on the bytes (it consumes what it reads), then lets go of them if none are left.
    mutating func consume<T>(_ body: (inout ByteBuffer) throws -> T?) rethrows -> T? {
        guard buffer != nil else { return nil }
        defer { if buffer!.readableBytes == 0 { buffer = nil } }
        return try body(&buffer!)
    }
}
