import Crypto
import Foundation

/// SHA-256 of bytes held in memory, for modules above the store that identify things by content
/// (environment hashes) without importing swift-crypto themselves (STYLE.md §2.1: a third-party
/// package stays inside one module).
public enum ContentDigest {
    /// The 64 lowercase hex digits of SHA-256 over `data`.
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 fed piece by piece, for bytes that stream through (an upload checked against the
    /// hash its client announced) and are never all in memory.
    public struct Hasher {
        private var state = SHA256()

        /// The hash of no bytes yet.
        public init() {}

        /// Adds bytes to the hash.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            state.update(bufferPointer: bytes)
        }

        /// The 32 bytes of the hash of everything added.
        public func finalize() -> [UInt8] {
            Array(state.finalize())
        }
    }
}
