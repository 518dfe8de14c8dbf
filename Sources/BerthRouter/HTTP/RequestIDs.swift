import Synchronization

/// Makes the router's request ids (`x-ms-request-id`): UUID-shaped (version 4 layout, lowercase),
/// unique within the process and unpredictable enough across processes, without a system call or
/// Foundation per request (`UUID()` reads the system's random source and formats with `sprintf`,
/// which showed up in the router's profile).
///
/// A random 64-bit seed drawn once per process, plus an atomic counter mixed with SplitMix64 (a
/// bijection, so distinct counters give distinct ids). Ids are correlation handles, not secrets.
enum RequestIDs {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    /// The next id, e.g. `3f2a9c1e-7b4d-4e21-9a0f-5c6d7e8f9a0b`: 16 bytes, written as text only
    /// where it goes out (a `String` of 36 bytes is a heap allocation per request).
    static func next() -> RequestID {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = mix(seed ^ count)
        let low = mix(count &+ 0x9E37_79B9_7F4A_7C15)
        // Version 4 and the RFC 4122 variant, as UUID(uuidString:) expects.
        return .generated(
            high: (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000,
            low: (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000)
    }

    /// Writes a generated id's 36 characters (lowercase hex in the 8-4-4-4-12 layout) at `bytes`.
    ///
    /// Eight hex digits at a time with integer arithmetic (`hexDigits`), no loop per digit: this
    /// runs twice for every request (to the replica and back to the client).
    static func format(high: UInt64, low: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= textBytes)
        let out = bytes.baseAddress!
        let (a, b) = (hexDigits(UInt32(truncatingIfNeeded: high >> 32)), hexDigits(UInt32(truncatingIfNeeded: high)))
        let (c, d) = (hexDigits(UInt32(truncatingIfNeeded: low >> 32)), hexDigits(UInt32(truncatingIfNeeded: low)))
        let dash = UInt8(ascii: "-")
        out.storeBytes(of: a.bigEndian, toByteOffset: 0, as: UInt64.self)
        out.storeBytes(of: dash, toByteOffset: 8, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: b >> 32).bigEndian, toByteOffset: 9, as: UInt32.self)
        out.storeBytes(of: dash, toByteOffset: 13, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: b).bigEndian, toByteOffset: 14, as: UInt32.self)
        out.storeBytes(of: dash, toByteOffset: 18, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: c >> 32).bigEndian, toByteOffset: 19, as: UInt32.self)
        out.storeBytes(of: dash, toByteOffset: 23, as: UInt8.self)
        out.storeBytes(of: UInt32(truncatingIfNeeded: c).bigEndian, toByteOffset: 24, as: UInt32.self)
        out.storeBytes(of: d.bigEndian, toByteOffset: 28, as: UInt64.self)
    }

    /// The 8 lowercase hex digits of `value` as ASCII bytes, the first digit in the most
    /// significant byte (store it `bigEndian` to write them in order).
    static func hexDigits(_ value: UInt32) -> UInt64 {
        // Spread the nibbles one per byte: 0x12345678 -> 0x01_02_03_04_05_06_07_08.
        var v = UInt64(value)
        v = ((v & 0xFFFF_0000) << 16) | (v & 0xFFFF)
        v = ((v & 0x0000_FF00_0000_FF00) << 8) | (v & 0x0000_00FF_0000_00FF)
        v = ((v & 0x00F0_00F0_00F0_00F0) << 4) | (v & 0x000F_000F_000F_000F)
        // '0' + nibble, plus 39 more for a-f (a byte holds 1 where its nibble is 10 or more).
        let isLetter = ((v &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
        return v &+ 0x3030_3030_3030_3030 &+ isLetter &* 39
    }

    /// The characters of a generated id.
    static let textBytes = 36

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A request's `x-ms-request-id`: the client's own, or one the router generated (`RequestIDs`).
enum RequestID: Sendable, Equatable {
    case client(String)
    case generated(high: UInt64, low: UInt64)

    /// The id as text (error bodies, logs).
    var text: String {
        switch self {
        case .client(let id):
            return id
        case .generated(let high, let low):
            return String(unsafeUninitializedCapacity: RequestIDs.textBytes) { buffer in
                RequestIDs.format(high: high, low: low, into: UnsafeMutableRawBufferPointer(buffer))
                return RequestIDs.textBytes
            }
        }
    }

    /// The bytes `append` writes.
    var byteCount: Int {
        switch self {
        case .client(let id): return id.utf8.count
        case .generated: return RequestIDs.textBytes
        }
    }
}

extension HeadWriter {
    /// `x-ms-request-id: <id>` and CRLF.
    mutating func appendRequestID(_ id: RequestID) {
        append("x-ms-request-id: ")
        switch id {
        case .client(let text):
            append(text)
        case .generated(let high, let low):
            appendBytes(RequestIDs.textBytes) { RequestIDs.format(high: high, low: low, into: $0) }
        }
        append("\r\n")
    }

    /// The most bytes `appendRequestID` writes.
    static func requestIDLineBytes(_ id: RequestID) -> Int { id.byteCount + 19 }
}
