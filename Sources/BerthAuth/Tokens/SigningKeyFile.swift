import BerthCore
import Foundation

/// The workspace's `signing-keys.json`: a `SigningKeySet` kept with mode 0600 (`SecretFile`), made
/// on first use and rewritten atomically on rotation.
public struct SigningKeyFile: Sendable {
    public let url: URL

    /// The file inside the workspace folder.
    public init(workspace: WorkspaceLayout) {
        url = workspace.root.appendingPathComponent("signing-keys.json")
    }

    public init(url: URL) {
        self.url = url
    }

    /// The stored key set, or a new one (written) when there is none.
    public func loadOrCreate(now: Date) throws -> SigningKeySet {
        if let text = try SecretFile.read(at: url) {
            do {
                return try BerthJSON.decoder().decode(SigningKeySet.self, from: Data(text.utf8))
            } catch {
                throw BerthError(
                    .internalError,
                    "The signing key file '\(url.path)' cannot be read; move it away and restart 'berth server' "
                        + "to make a new key (tokens issued so far stop working).")
            }
        }
        let keys = SigningKeySet.generate(now: now)
        try save(keys)
        return keys
    }

    /// Writes `keys` with mode 0600, replacing the file atomically.
    public func save(_ keys: SigningKeySet) throws {
        let data = try BerthJSON.encode(keys, pretty: false)
        try SecretFile.write(String(decoding: data, as: UTF8.self), to: url)
    }
}
