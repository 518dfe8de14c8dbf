import NIOCore

/// The buffer a connection writes its next message into, reused from message to message so a
/// proxied request does not allocate its outgoing bytes.
///
/// After a write that NIO completes at once (the usual case on a socket with room), NIO lets go of
/// the bytes and the spare kept here is the storage's only holder: the next `take` clears it and
/// writes there. While NIO still holds it (the socket was full), `clear()` finds the storage shared
/// and gives the next message new storage, as `ByteBuffer`'s copy-on-write does everywhere, so
/// bytes not yet written are never overwritten.
struct ReusableBuffer {
    /// Storage larger than this is let go of after its write instead of kept for the next message.
    static let keptBytes = 16 * 1024

    private var spare: ByteBuffer?

    /// An empty buffer with room for `bytes`: the spare one, or a new one from `allocator` when
    /// there is none.
    mutating func take(reserving bytes: Int = 0, allocator: ByteBufferAllocator) -> ByteBuffer {
        guard var buffer = spare else { return allocator.buffer(capacity: bytes) }
        spare = nil  // So the storage is unshared again once NIO is done with it.
        buffer.clear()
        buffer.reserveCapacity(minimumWritableBytes: bytes)
        return buffer
    }

    /// Keeps `buffer`, just handed to a write, for the next `take`.
    mutating func keep(_ buffer: ByteBuffer) {
        spare = buffer.capacity <= Self.keptBytes ? buffer : nil
    }
}
