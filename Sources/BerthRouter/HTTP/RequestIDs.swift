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
    /// One pass over the 32 nibbles with no closure: this runs twice for every request (to the
    /// replica and back to the client).
    static func format(high: UInt64, low: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= textBytes)
        let out = bytes.baseAddress!
        var position = 0
        for nibbleIndex in 0..<32 {
            if position == 8 || position == 13 || position == 18 || position == 23 {
                out.storeBytes(of: UInt8(ascii: "-"), toByteOffset: position, as: UInt8.self)
                position += 1
            }
            let word = nibbleIndex < 16 ? high : low
            let nibble = UInt8(truncatingIfNeeded: word >> UInt64(60 - 4 * (nibbleIndex & 15))) & 0xF
            out.storeBytes(of: nibble &+ (nibble < 10 ? 0x30 : 0x57), toByteOffset: position, as: UInt8.self)
            position += 1
        }
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
