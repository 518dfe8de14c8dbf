import BerthAuth
import BerthCore
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <admin token>` on every control-plane call except the OpenAPI
/// document, health, the route feed and load reports, comparing in constant time. The token lives
/// in `$BERTH_HOME/admin-token` (0600). A Kubernetes deployment's artifact token (`ArtifactGrants`)
/// passes only for reads of that deployment's files and for what its Pods hand over (request
/// telemetry, model data). An unexpired SDK token (`berth sdk env`,
/// `SDKTokens`) passes as the admin token does (`createSDKToken` alone asks for the admin token
/// itself, so that an SDK token cannot renew itself past its expiry). The dashboard under `/ui`
/// has its own session cookie (`DashboardRoutes`), which this middleware ignores: a browser
/// session never reaches the admin API.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String
    var artifactGrants: ArtifactGrants? = nil
    /// Checks SDK tokens against the workspace's current and recently retired keys; nil accepts none.
    var sdkTokens: WorkspaceSigningKeys? = nil
    /// Paths without the admin token: anyone may read the first two; the route feed and the load
    /// reports check their own token (the admin token or a cluster's feed token, `RouteFeedRoutes`,
    /// `ControlPlaneAPI+Routers`).
    var openPaths: Set<String> = Self.standardOpenPaths

    /// The native API's open paths.
    static var standardOpenPaths: Set<String> {
        ["/openapi.json", "/health", "/api/v1/routes", "/api/v1/routers/load"]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        if openPaths.contains(request.uri.path) { return try await next(request, context) }
        // The dashboard's own routes check its session cookie, which opens nothing else
        // (`DashboardRoutes`); this middleware never reads cookies.
        if DashboardPaths.contains(request.uri.path) { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw BerthError(
                .unauthorized,
                "This call needs the admin token: send 'Authorization: Bearer <token>' with the token from $BERTH_HOME/admin-token."
            )
        }
        let presented = request.bearerToken ?? header
        guard ConstantTime.equals(presented, token) else {
            switch artifactGrants?.decision(token: presented, method: request.method.rawValue, path: request.uri.path) {
            case .allowed?: return try await next(request, context)
            case .refused(let deployment)?:
                throw BerthError(
                    .unauthorized,
                    "This is the artifact token of deployment '\(deployment)': it only reads that deployment's files (GET /api/v1/artifacts/sha256:…) and sends its request telemetry and model data (POST /api/v1/services/\(deployment)/telemetry, …/modeldata). Use the admin token for anything else."
                )
            case .unknownToken?, nil: break
            }
            if let sdkTokens, request.bearerToken != nil {
                switch try await sdkTokens.sdkTokenRejection(presented) {
                case nil: return try await next(request, context)
                case .expired?:
                    throw BerthError(
                        .unauthorized,
                        "The SDK token has expired. Run eval \"$(berth sdk env)\" again (--hours N for a longer one) "
                            + "and start Python again from that shell.")
                default: break
                }
            }
            throw BerthError(
                .unauthorized,
                "The admin token is wrong. Use the token in $BERTH_HOME/admin-token of the workspace this server runs on."
            )
        }
        return try await next(request, context)
    }
}
