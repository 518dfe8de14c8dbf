import BerthAuth
import BerthCore
import BerthStore
import Foundation

/// A service's primary and secondary keys: made at first deploy, regenerated one at a time.
///
/// Keys live in the workspace database (the workspace folder is 0700, the file 0600); the router
/// only ever gets their SHA-256 digests.
struct ServiceKeyring: Sendable {
    let store: any MetadataStore

    /// The service's keys, creating them on first use.
    func keys(forService name: String) async throws -> ServiceKeys {
        if let keys = try await store.serviceKeys(forService: name) { return keys }
        let keys = ServiceKeys(primaryKey: Self.newKey(), secondaryKey: Self.newKey())
        try await store.saveServiceKeys(keys, forService: name)
        return keys
    }

    /// Makes the keys a deployment config chose (`keys.primaryKey`, `keys.secondaryKey`, already
    /// checked against `ServiceKeyRule`) the service's keys; a key it leaves out keeps its current
    /// value, or is generated when the service has none yet.
    func use(_ chosen: DeploymentConfigFile.Keys, forService name: String) async throws {
        guard chosen.primaryKey != nil || chosen.secondaryKey != nil else { return }
        let current = try await store.serviceKeys(forService: name)
        let keys = ServiceKeys(
            primaryKey: chosen.primaryKey ?? current?.primaryKey ?? Self.newKey(),
            secondaryKey: chosen.secondaryKey ?? current?.secondaryKey ?? Self.newKey())
        try await store.saveServiceKeys(keys, forService: name)
    }

    /// Replaces one key (`Primary` or `Secondary`) with `value` or a random one.
    func regenerate(_ request: RegenerateKeyRequest, forService name: String) async throws -> ServiceKeys {
        let keys = try Self.regenerated(try await keys(forService: name), by: request)
        try await store.saveServiceKeys(keys, forService: name)
        return keys
    }

    /// `keys` with the one `request` names replaced by its value or a random one; shared by
    /// services and endpoints, which keep their keys apart but regenerate them alike.
    static func regenerated(_ keys: ServiceKeys, by request: RegenerateKeyRequest) throws -> ServiceKeys {
        var keys = keys
        let value = request.keyValue ?? newKey()
        if request.keyValue != nil, !ServiceKeyRule.accepts(value) {
            throw BerthError.badRequest(
                "--set-key: a key must be at least \(ServiceKeyRule.minimumLength) characters without spaces; "
                    + "leave it out for a random key.")
        }
        switch request.keyType.lowercased() {
        case "primary": keys.primaryKey = value
        case "secondary": keys.secondaryKey = value
        default:
            // Azure's own words first (compat.md §10), then the fix.
            throw BerthError.badRequest(
                "Error, invalid value provided for key: \(request.keyType.prefix(1).uppercased() + request.keyType.dropFirst().lowercased()). "
                    + "Use --key Primary or --key Secondary.")
        }
        return keys
    }

    /// 32 random bytes, base64url without padding (43 characters), like Azure's keys in length.
    static func newKey() -> String {
        SecretFile.randomToken(byteCount: 32)
    }

    /// The lowercase hex SHA-256 the router compares presented keys against.
    static func digest(_ key: String) -> String {
        KeyDigest.sha256Hex(key)
    }
}
