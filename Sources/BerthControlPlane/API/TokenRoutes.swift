import BerthCore
import BerthStore
import Hummingbird

/// Token auth's API: `POST /api/v1/services/<name>/token` (Azure's `get_access_token()`) and
/// `POST /api/v1/workspace/rotateSigningKey`.
struct TokenRoutes<Context: RequestContext> {
    let credentials: ServiceCredentials
    let signingKeys: WorkspaceSigningKeys
    let routes: RoutePublisher

    func add(to router: Router<Context>) {
        router.post("/api/v1/services/:name/token") { _, context in
            try JSONBody.response(try await credentials.token(of: try context.parameters.decoded("name")))
        }
        router.post("/api/v1/workspace/rotateSigningKey") { _, _ in
            let rotation = try await signingKeys.rotate()
            // Routers know the new public key before this answers, so its tokens work at once.
            await routes.rebuild()
            return try JSONBody.response(rotation)
        }
    }
}
