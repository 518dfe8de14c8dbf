import NIOCore

/// A message body after its head (RFC 9112 §6), for requests and responses alike: framed by a
/// length, by chunks (decoded; extensions and trailers dropped) or by the connection's end, and
/// handed on as slices of the bytes read, without a copy. A pure state machine: fed bytes, it
/// returns what they complete.
struct BodyFraming {
    enum Event: Equatable {
        case body(ByteBuffer)
        /// The body is complete; the next bytes belong to the next message.
        case end
    }

    private enum State {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        /// The body's last bytes went out, or it has none: `.end` is next.
        case endPending
    }

    /// The longest chunk-size line accepted (size plus extensions).
    static let maxChunkLineBytes = 4096
    /// The most trailer bytes accepted after the last chunk.
    static let maxTrailerBytes = 64 * 1024

    private var state: State
    private var trailerBytes = 0

    private init(_ state: State) { self.state = state }

    /// A body of `length` bytes (none when 0).
    static func length(_ length: Int) -> BodyFraming {
        BodyFraming(length > 0 ? .fixed(remaining: length) : .endPending)
    }
    /// No body at all.
    static let none = BodyFraming(.endPending)
    /// A chunked body.
    static let chunked = BodyFraming(.chunkSize)
    /// A body that ends when the connection does.
    static let untilClose = BodyFraming(.untilClose)

    /// Whether the body ends only with the connection.
    var endsWithConnection: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Whether the body is complete: `next` returns `.end` without needing a byte.
    var isComplete: Bool {
        if case .endPending = state { return true }
        return false
    }

    /// The next event the bytes in `buffer` complete, consuming them; nil when more bytes are needed.
    mutating func next(_ buffer: inout ByteBuffer) throws -> Event? {
        switch state {
        case .fixed(let remaining):
            guard let (part, left) = Self.take(upTo: remaining, from: &buffer) else { return nil }
            state = left == 0 ? .endPending : .fixed(remaining: left)
            return .body(part)
        case .chunkSize:
            guard let line = try Self.readLine(&buffer, limit: Self.maxChunkLineBytes) else { return nil }
            guard let size = Self.chunkSize(line) else {
                throw FramingError(description: "a chunk size line is not hexadecimal")
            }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
            return try next(&buffer)
        case .chunkData(let remaining):
            guard let (part, left) = Self.take(upTo: remaining, from: &buffer) else { return nil }
            state = left == 0 ? .chunkDataEnd : .chunkData(remaining: left)
            return .body(part)
        case .chunkDataEnd:
            guard let line = try Self.readLine(&buffer, limit: 2) else { return nil }
            guard line.isEmpty else { throw FramingError(description: "a chunk does not end with CRLF") }
            state = .chunkSize
            return try next(&buffer)
        case .trailers:
            guard let line = try Self.readLine(&buffer, limit: Self.maxTrailerBytes) else { return nil }
            if line.isEmpty {
                state = .endPending
                return try next(&buffer)
            }
            trailerBytes += line.count + 2
            guard trailerBytes <= Self.maxTrailerBytes else {
                throw FramingError(description: "the trailers are too long")
            }
            return try next(&buffer)
        case .untilClose:
            guard buffer.readableBytes > 0 else { return nil }
            return .body(buffer.readSlice(length: buffer.readableBytes)!)
        case .endPending:
            return .end
        }
    }

    /// Up to `remaining` body bytes of what `buffer` holds, as a slice, and how many remain after
    /// them; nil when it holds none.
    private static func take(upTo remaining: Int, from buffer: inout ByteBuffer) -> (ByteBuffer, left: Int)? {
        guard buffer.readableBytes > 0 else { return nil }
        let count = min(remaining, buffer.readableBytes)
        return (buffer.readSlice(length: count)!, remaining - count)
    }

    /// The size a chunk-size line gives (RFC 9112 §7.1): hexadecimal digits only, then optional
    /// whitespace before any `;` extensions; nil for anything else. A sign, inner whitespace or a
    /// `0x` would be read by `Int(_:radix:)` or another parser as some size, and a negative size
    /// as none at all; a size read differently by the router and a replica is request smuggling.
    static func chunkSize(_ line: ByteBufferView.SubSequence) -> Int? {
        var digits = line.prefix { $0 != UInt8(ascii: ";") }[...]
        while let last = digits.last, last == UInt8(ascii: " ") || last == 9 { digits.removeLast() }
        guard !digits.isEmpty, digits.count <= 15 else { return nil }
        var size = 0
        for byte in digits {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            size = size << 4 | Int(value)
        }
        return size
    }

    /// A CRLF-ended line (without it), consumed; nil when the bytes do not hold a whole line yet.
    private static func readLine(_ buffer: inout ByteBuffer, limit: Int) throws -> ByteBufferView.SubSequence? {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: 10) else {
            if view.count > limit + 2 { throw FramingError(description: "a line of the chunked body is too long") }
            return nil
        }
        guard newline > view.startIndex, view[newline - 1] == 13 else {
            throw FramingError(description: "a line of the chunked body ends without CR")
        }
        let line = view[view.startIndex..<(newline - 1)]
        buffer.moveReaderIndex(forwardBy: newline - view.startIndex + 1)
        return line
    }
}
