import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The header lines of a request or response head, checked one by one as RFC 9112 §5 asks of a
/// recipient that forwards them: a token before the colon and nothing between it and the colon,
/// no line folding, no control characters in values. Each line is handed on as its classified
/// name and its value without surrounding whitespace, as slices of the bytes read.
enum HeaderFields {
    /// Calls `field` with each header line's name (classified and as sent) and value.
    ///
    /// - Parameter bytes: the header lines, each ended by CRLF, without the blank line that ends
    ///   the head.
    static func parse(
        _ bytes: UnsafeRawBufferPointer,
        _ field: (HeaderName, _ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Void
    ) throws {
        var start = 0
        let count = bytes.count
        while start < count {
            let newline = firstNewline(in: bytes, from: start) ?? count
            guard newline < count, newline > start, bytes[newline - 1] == 13 else {
                throw FramingError(description: "a header line does not end with CRLF")
            }
            let lineEnd = newline - 1
            if bytes[start] == 32 || bytes[start] == 9 {
                throw FramingError(
                    description:
                        "a header line starts with whitespace (obsolete line folding); send each header on one line")
            }
            var colon = start
            while colon < lineEnd && isTokenByte(bytes[colon]) { colon += 1 }
            guard colon > start, colon < lineEnd, bytes[colon] == UInt8(ascii: ":") else {
                throw FramingError(
                    description: "a header line is not 'name: value' (an empty name, a character a name may not "
                        + "have, or whitespace before the colon)")
            }
            var valueStart = colon + 1
            while valueStart < lineEnd && isWhitespace(bytes[valueStart]) { valueStart += 1 }
            var valueEnd = lineEnd
            while valueEnd > valueStart && isWhitespace(bytes[valueEnd - 1]) { valueEnd -= 1 }
            var index = valueStart
            while index < valueEnd {
                let byte = bytes[index]
                if (byte < 32 && byte != 9) || byte == 127 {
                    throw FramingError(description: "a header value has a control character")
                }
                index += 1
            }
            let name = UnsafeRawBufferPointer(rebasing: bytes[start..<colon])
            try field(HeaderName(name), name, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]))
            start = newline + 1
        }
    }

    /// A head (start line and header lines, without the blank line) split at its first CRLF: the
    /// start line, and the header section after it.
    static func splitStartLine(_ head: UnsafeRawBufferPointer) -> (
        startLine: UnsafeRawBufferPointer, section: UnsafeRawBufferPointer
    ) {
        var lineEnd = max(0, head.count - 1)
        var from = 0
        while let newline = firstNewline(in: head, from: from) {
            if newline > 0 && head[newline - 1] == 13 {
                lineEnd = newline - 1
                break
            }
            from = newline + 1
        }
        return (
            UnsafeRawBufferPointer(rebasing: head[0..<lineEnd]),
            UnsafeRawBufferPointer(rebasing: head[min(lineEnd + 2, head.count)...])
        )
    }

    /// Parses `section` (as `parse` does) into `lines`, emptied first: the lines `keep` accepts,
    /// each rewritten as `name: value` CRLF — the end-to-end headers a head relays.
    ///
    /// `lines` is the framer's own buffer, kept from message to message: once the head that holds
    /// the previous lines is gone, `clear()` finds its storage unshared and the next head's lines
    /// are written there, so reading a head allocates nothing (otherwise it gets new storage).
    static func rewrite(
        _ section: UnsafeRawBufferPointer, into lines: inout ByteBuffer,
        keeping keep: (HeaderName, _ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        let maxBytes = rewrittenBytes(section.count)
        // Storage grown for one large head is not kept for the small ones after it.
        if lines.capacity > max(maxBytes, keptLineBytes) { lines = ByteBuffer() } else { lines.clear() }
        try lines.writeHead(maxBytes: maxBytes) { writer in
            try parse(section) { name, nameBytes, value in
                if try keep(name, nameBytes, value) { writer.appendHeaderLine(nameBytes, value) }
            }
        }
    }

    /// The most storage a framer keeps for header lines between heads.
    static let keptLineBytes = 16 * 1024

    /// Calls `token` with each element of a comma-separated list value, trimmed, empty ones skipped.
    static func forEachElement(of value: UnsafeRawBufferPointer, _ token: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        while start <= value.count {
            var end = start
            while end < value.count && value[end] != UInt8(ascii: ",") { end += 1 }
            var first = start
            var last = end
            while first < last && isWhitespace(value[first]) { first += 1 }
            while last > first && isWhitespace(value[last - 1]) { last -= 1 }
            if last > first { token(UnsafeRawBufferPointer(rebasing: value[first..<last])) }
            start = end + 1
        }
    }

    /// A non-negative decimal `Content-Length`, nil when the value is anything else.
    static func length(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var length = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            length = length * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return length
    }

    /// The index of the `\r\n\r\n` that ends a head, if `bytes` hold it.
    static func endOfHead(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = 0
        let last = bytes.count - 3
        while index < last {
            if bytes[index + 3] != 10 {
                // The byte 3 ahead is no LF, so no terminator starts at index..index+3 that ends there.
                index += bytes[index + 3] == 13 ? 1 : 4
                continue
            }
            if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 { return index }
            index += 1
        }
        return nil
    }

    /// The most bytes the header lines in `section` take once rewritten as `name: value` CRLF
    /// lines (one more per line at most, for a missing space; a line is at least 4 bytes).
    static func rewrittenBytes(_ section: Int) -> Int { section + section / 4 + 4 }

    /// RFC 9110 §5.6.2 `tchar`: `!#$%&'*+-.^_`|~`, digits and letters.
    ///
    /// A bit per ASCII byte (bytes 0–63, then 64–127) instead of a `switch`: this runs for every
    /// byte of every header name. `HeaderFieldsTests` checks it against the RFC's list.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        let bits: UInt64 = byte < 64 ? 0x03FF_6CFA_0000_0000 : 0x57FF_FFFF_C7FF_FFFE
        return byte < 128 && (bits >> UInt64(byte & 63)) & 1 == 1
    }

    /// The index of the first LF in `bytes` at or after `start` (`memchr`: a head is scanned line by
    /// line and most of its bytes are in values).
    static func firstNewline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, 10, bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
}
