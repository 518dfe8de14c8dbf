internal import BerthAPITypes
import BerthCore

/// Typed calls for token auth: a service's access token and the workspace signing-key rotation.
extension ControlPlaneClient {
    /// A new access token for a service with `tokenAuthEnabled` (Azure's `get_access_token()`).
    public func accessToken(forService name: String) async throws -> AccessToken {
        try await call { try await $0.getServiceToken(path: .init(name: name)).ok.body.json }.converted()
    }

    /// Replaces the workspace's token signing key; tokens already issued keep working until they expire.
    public func rotateSigningKey() async throws -> SigningKeyRotation {
        try await call { try await $0.rotateSigningKey().ok.body.json }.converted()
    }
}
