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
}
