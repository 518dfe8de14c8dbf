import BerthCore
import BerthStore
import Foundation

/// A service's keys and tokens with the rules every API dialect answers by: keys only under key
/// auth, tokens only under token auth, and a regenerated key refused by the router before the
/// call returns.
struct ServiceCredentials: Sendable {
    let store: any MetadataStore
    let keyring: ServiceKeyring
    let signingKeys: WorkspaceSigningKeys
    let routes: RoutePublisher

    /// The service, or 404 naming it.
    func service(named name: String) async throws -> Webservice {
        guard let service = try await store.service(named: name) else {
            throw BerthError.notFound(
                "Service '\(name)' does not exist in this workspace. 'berth service list' shows them.")
        }
        return service
    }

    func keys(of name: String) async throws -> ServiceKeys {
        let service = try await service(named: name)
        try requireKeyAuth(service)
        return try await keyring.keys(forService: service.name)
    }

    func regenerate(_ request: RegenerateKeyRequest, of name: String) async throws -> ServiceKeys {
        let service = try await service(named: name)
        try requireKeyAuth(service)
        let keys = try await keyring.regenerate(request, forService: service.name)
        // The router learns the new digests before this answers, so the old key fails at once.
        await routes.rebuild()
        return keys
    }

    func token(of name: String) async throws -> AccessToken {
        let service = try await service(named: name)
        guard service.deploymentConfig.aadAuthEnabled else {
            throw BerthError.badRequest(
                "Service '\(name)' does not use tokens (tokenAuthEnabled is false); use its keys "
                    + "('berth service get-keys -n \(name)'), or redeploy with \"tokenAuthEnabled\": true.")
        }
        return try await signingKeys.issue(audience: service.name)
    }

    private func requireKeyAuth(_ service: Webservice) throws {
        guard service.deploymentConfig.authEnabled else {
            throw BerthError.badRequest(
                "Service '\(service.name)' does not use keys (authEnabled is false); redeploy with \"authEnabled\": true to get keys."
            )
        }
    }
}
