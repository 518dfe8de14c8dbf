import BerthAuth
import BerthCore
import Foundation
import Hummingbird
import NIOCore

/// What `berth sdk env` and `berth sdk config` ask for: `POST /api/v1/sdk/token` (an SDK token and
/// the workspace's Azure names) and `GET /api/v1/sdk/workspace` (the names alone).
///
/// Minting needs the admin token itself, not an SDK token (which `AdminAuthMiddleware` otherwise
/// accepts): a token that could mint its successor would never expire.
struct SDKTokenRoutes<Context: RequestContext> {
    let adminToken: String
    let signingKeys: WorkspaceSigningKeys
    let workspace: WorkspaceLayout

    func add(to router: Router<Context>) {
        router.post("/api/v1/sdk/token") { request, _ in
            let presented = request.bearerToken ?? request.headers[.authorization] ?? ""
            guard ConstantTime.equals(presented, adminToken) else {
                throw BerthError.forbidden(
                    "SDK tokens are minted with the admin token only, so that one cannot renew itself. Run "
                        + "eval \"$(berth sdk env)\" as the user who runs the server.")
            }
            let hours = try await Self.tokenRequest(from: request).validatedHours()
            let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: workspace)
            let token = try await signingKeys.issueSDKToken(hours: hours)
            return try JSONBody.response(SDKCredentials(token: token, identity: identity))
        }
        router.get("/api/v1/sdk/workspace") { _, _ in
            try JSONBody.response(try AzureWorkspaceIdentity.loadOrCreate(layout: workspace))
        }
    }

    /// The body, which may be absent: no body asks for the default lifetime.
    private static func tokenRequest(from request: Request) async throws -> SDKTokenRequest {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: JSONBody.maxRequestBytes)
        } catch {
            throw BerthError(.payloadTooLarge, "The request body is larger than \(JSONBody.maxRequestBytes) bytes.")
        }
        guard buffer.readableBytes > 0 else { return SDKTokenRequest() }
        return try BerthJSON.decode(SDKTokenRequest.self, from: Data(buffer.readableBytesView))
    }
}
