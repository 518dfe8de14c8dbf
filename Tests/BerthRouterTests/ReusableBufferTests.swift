import NIOCore
import Testing

@testable import BerthRouter

/// A connection's outgoing buffer is written again for the next message only when nothing else
/// holds it any more; bytes still waiting to be written are never overwritten.
struct ReusableBufferTests {
    private static func storage(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withVeryUnsafeBytes { $0.baseAddress }
    }

    @Test func aBufferNoOneElseHoldsIsWrittenAgain() {
        var reusable = ReusableBuffer()
        var first = reusable.take(allocator: ByteBufferAllocator())
        first.writeString("HTTP/1.1 200 OK\r\n\r\n")
        let address = Self.storage(first)
        reusable.keep(first)
        first = ByteBuffer()  // The write is done: NIO let go of it.

        let second = reusable.take(allocator: ByteBufferAllocator())
        #expect(second.readableBytes == 0)
        #expect(Self.storage(second) == address)
    }

    @Test func bytesStillBeingWrittenAreNotOverwritten() {
        var reusable = ReusableBuffer()
        var pending = reusable.take(allocator: ByteBufferAllocator())
        pending.writeString("first response")
        reusable.keep(pending)  // `pending` stands for the copy NIO still holds.

        var next = reusable.take(allocator: ByteBufferAllocator())
        next.writeString("second")
        #expect(Self.storage(next) != Self.storage(pending))
        #expect(String(buffer: pending) == "first response")
        #expect(String(buffer: next) == "second")
    }

    @Test func aBufferGrownLargeIsNotKept() {
        var reusable = ReusableBuffer()
        var large = reusable.take(allocator: ByteBufferAllocator())
        large.writeRepeatingByte(0, count: ReusableBuffer.keptBytes + 1)
        reusable.keep(large)
        large = ByteBuffer()

        // A kept one would come back cleared but with its capacity.
        #expect(reusable.take(allocator: ByteBufferAllocator()).capacity <= ReusableBuffer.keptBytes)
    }
}
