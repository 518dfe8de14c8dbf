import BerthCore
import Crypto
import Foundation

/// Secrets on disk: created with mode 0600 from the first byte (never world-readable, not even
/// briefly), written atomically, read back trimmed.
public enum SecretFile {
    /// Reads the secret at `url`, or creates it with `make()` when absent.
    public static func readOrCreate(at url: URL, make: () -> String) throws -> String {
        if let existing = try read(at: url) { return existing }
        let secret = make()
        try write(secret, to: url)
        return secret
    }

    /// The secret at `url`, or nil when there is no file.
    public static func read(at url: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let text = try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Writes `secret` to `url` with mode 0600, replacing any older file atomically.
    public static func write(_ secret: String, to url: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        guard manager.createFile(atPath: temporary.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
            throw BerthError(.internalError, "Cannot write a secret file in '\(url.deletingLastPathComponent().path)'; check the folder's permissions.")
        }
        try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: temporary.path)
        if manager.fileExists(atPath: url.path) { try manager.removeItem(at: url) }
        try manager.moveItem(at: temporary, to: url)
    }

    /// A new random secret: 32 bytes from the system's secure generator, base64url without padding.
    public static func randomToken(byteCount: Int = 32) -> String {
        let key = SymmetricKey(size: SymmetricKeySize(bitCount: byteCount * 8))
        let data = key.withUnsafeBytes { Data($0) }
        return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
