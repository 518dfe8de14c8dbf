import BerthCore
import BerthStore
import Hummingbird

/// Token auth's API: `POST /api/v1/services/<name>/token` (Azure's `get_access_token()`) and
/// `POST /api/v1/workspace/rotateSigningKey`.
struct TokenRoutes<Context: RequestContext> {
    let store: any MetadataStore
    let signingKeys: WorkspaceSigningKeys
    let routes: RoutePublisher

    func add(to router: Router<Context>) {
        router.post("/api/v1/services/:name/token") { _, context in
            let name = try context.parameters.require("name")
            guard let service = try await store.service(named: name) else {
                throw BerthError.notFound("Service '\(name)' does not exist in this workspace. 'berth service list' shows them.")
            }
            guard service.deploymentConfig.aadAuthEnabled else {
                throw BerthError.badRequest(
                    "Service '\(name)' does not use tokens (tokenAuthEnabled is false); use its keys "
                        + "('berth service get-keys -n \(name)'), or redeploy with \"tokenAuthEnabled\": true.")
            }
            return try JSONBody.response(try await signingKeys.issue(audience: service.name))
        }
        router.post("/api/v1/workspace/rotateSigningKey") { _, _ in
            let rotation = try await signingKeys.rotate()
            // Routers know the new public key before this answers, so its tokens work at once.
            await routes.rebuild()
            return try JSONBody.response(rotation)
        }
    }
}
