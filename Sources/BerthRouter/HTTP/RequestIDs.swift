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

    /// The next id, e.g. `3f2a9c1e-7b4d-4e21-9a0f-5c6d7e8f9a0b`.
    static func next() -> String {
        let count = counter.wrappingAdd(1, ordering: .relaxed).newValue
        let high = mix(seed ^ count)
        let low = mix(count &+ 0x9E37_79B9_7F4A_7C15)
        // Version 4 and the RFC 4122 variant, as UUID(uuidString:) expects.
        let versioned = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let varianted = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func hex(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    let nibble = UInt8((value >> UInt64(shift)) & 0xF)
                    buffer[index] = nibble < 10 ? 0x30 + nibble : 0x57 + nibble
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            hex(versioned >> 32, nibbles: 8)
            dash()
            hex(versioned >> 16, nibbles: 4)
            dash()
            hex(versioned, nibbles: 4)
            dash()
            hex(varianted >> 48, nibbles: 4)
            dash()
            hex(varianted, nibbles: 12)
            return index
        }
    }

    private static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
