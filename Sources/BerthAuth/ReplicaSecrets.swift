import BerthCore
import Foundation

/// The replica secrets of a workspace's Kubernetes deployments (`ReplicaAuthentication`), derived
/// rather than stored: `HMAC-SHA256(workspace replica key, "replica:" + service name)` as lowercase
/// hex.
///
/// Derived, so the route publisher and the manifests agree without a table of secrets to keep in
/// step, and the same for every revision of a service, so a rolling update's old and new Pods both
/// accept the router's requests. The key is 32 random bytes in `replica-key` (mode 0600,
/// `SecretFile`), made on first use.
///
/// ```swift
/// let secrets = try ReplicaSecrets(workspace: layout)
/// let secret = secrets.secret(forService: "fraud-v2")   // 64 hex digits
/// ```
public struct ReplicaSecrets: Sendable {
    private let signer: MessageSigner

    /// Secrets derived from `key` (the workspace's replica key; tests pass their own).
    public init(key: [UInt8]) {
        signer = MessageSigner(key: key)
    }

    /// The workspace's replica key file, read, or made when absent.
    ///
    /// - Throws: `BerthError` when the file cannot be read or written, or does not hold a key.
    public init(workspace: WorkspaceLayout) throws {
        try self.init(file: workspace.replicaKeyFile)
    }

    /// The key in `file` (base64url of 32 bytes), read, or made when absent.
    public init(file: URL) throws {
        signer = try MessageSigner(
            file: file, whatBreaks: "replicas on Kubernetes then need a redeploy to accept the router again")
    }

    /// The length of a replica key.
    public static let keyBytes = MessageSigner.keyBytes

    /// The secret of service `name`'s replicas: 64 lowercase hex digits.
    public func secret(forService name: String) -> String {
        LowercaseHex.string(of: signer.signature(of: "replica:" + name))
    }
}
