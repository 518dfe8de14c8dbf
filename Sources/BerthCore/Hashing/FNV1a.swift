/// A stable 64-bit FNV-1a hash, for short names that must be the same in every process (Swift's
/// `Hasher` is seeded per process): replica socket names, the API double's Pod template hashes.
/// Not for secrets.
package struct FNV1a: Sendable {
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    package mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
    }

    /// The hash of `text` alone.
    package static func hash(_ text: String) -> UInt64 {
        var hasher = FNV1a()
        hasher.add(text)
        return hasher.value
    }
}
