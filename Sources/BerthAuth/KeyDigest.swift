import Crypto
import Foundation

/// The SHA-256 of a service key, as lowercase hex: what the control plane publishes to routers
/// instead of the key, and what a router computes from a presented key to compare.
public enum KeyDigest {
    /// Lowercase hex SHA-256 of the key's UTF-8 bytes.
    public static func sha256Hex(_ key: some StringProtocol) -> String {
        LowercaseHex.string(of: SHA256.hash(data: Array(key.utf8)))
    }
}
