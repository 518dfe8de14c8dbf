import Crypto
import Foundation

/// The SHA-256 of a service key, as lowercase hex: what the control plane publishes to routers
/// instead of the key, and what a router computes from a presented key to compare.
public enum KeyDigest {
    /// Lowercase hex SHA-256 of the key's UTF-8 bytes.
    public static func sha256Hex(_ key: some StringProtocol) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Array(key.utf8)) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
