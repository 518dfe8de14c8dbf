import BerthAPITypes
import BerthAuth
import BerthCore

/// Token auth (`POST /api/v1/services/<name>/token`, Azure's `get_access_token()`;
/// `POST /api/v1/workspace/rotateSigningKey`) and what `berth sdk env` and `berth sdk config` ask
/// for (`POST /api/v1/sdk/token`, `GET /api/v1/sdk/workspace`).
extension ControlPlaneAPI {
    func getServiceToken(_ input: Operations.GetServiceToken.Input) async throws -> Operations.GetServiceToken.Output {
        .ok(.init(body: .json(try await credentials.token(of: input.path.name).checkedConversion())))
    }

    func rotateSigningKey(_ input: Operations.RotateSigningKey.Input) async throws
        -> Operations.RotateSigningKey.Output
    {
        let rotation = try await signingKeys.rotate()
        // Routers know the new public key before this answers, so its tokens work at once.
        await routes.rebuild()
        return .ok(.init(body: .json(try rotation.checkedConversion())))
    }

    /// Minting needs the admin token itself, not an SDK token (which `AdminAuthMiddleware`
    /// otherwise accepts): a token that could mint its successor would never expire.
    func createSDKToken(_ input: Operations.CreateSDKToken.Input) async throws -> Operations.CreateSDKToken.Output {
        let presented = APIRequest.bearerToken ?? APIRequest.authorization ?? ""
        guard ConstantTime.equals(presented, adminToken) else {
            throw BerthError.forbidden(
                "SDK tokens are minted with the admin token only, so that one cannot renew itself. Run "
                    + "eval \"$(berth sdk env)\" as the user who runs the server.")
        }
        // No body asks for the default lifetime.
        let request: SDKTokenRequest =
            switch input.body {
            case .json(let json)?: try json.converted(what: "request body")
            case nil: SDKTokenRequest()
            }
        let hours = try request.validatedHours()
        let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: workspace)
        let token = try await signingKeys.issueSDKToken(hours: hours)
        return .ok(.init(body: .json(try SDKCredentials(token: token, identity: identity).checkedConversion())))
    }

    func getSDKWorkspace(_ input: Operations.GetSDKWorkspace.Input) async throws -> Operations.GetSDKWorkspace.Output {
        .ok(.init(body: .json(try AzureWorkspaceIdentity.loadOrCreate(layout: workspace).checkedConversion())))
    }
}
