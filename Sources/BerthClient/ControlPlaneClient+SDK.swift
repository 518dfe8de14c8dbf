internal import BerthAPITypes
import BerthCore
internal import Foundation

/// Typed calls for Azure ML's Python SDK: a workspace token and the names the SDK uses.
extension ControlPlaneClient {
    /// A new SDK token valid for `hours` (default 8, at most 168) and the workspace's Azure names
    /// (`berth sdk env`). Needs the admin token.
    public func sdkToken(hours: Int? = nil) async throws -> SDKCredentials {
        try await call {
            try await $0.createSDKToken(body: .json(SDKTokenRequest(hours: hours).checkedConversion())).ok.body.json
        }
        .converted()
    }

    /// The names the SDK addresses the workspace by (`berth sdk config`).
    public func sdkWorkspace() async throws -> AzureWorkspaceIdentity {
        try await call { try await $0.getSDKWorkspace().ok.body.json }.converted()
    }

    /// What the running server wrote to `server.json` (its URLs, the SDK's upload proxy).
    ///
    /// - Throws: `BerthError` (`unavailable`) when no server has written one.
    public static func serverInfo(of layout: WorkspaceLayout) throws -> ServerInfo {
        guard let data = FileManager.default.contents(atPath: layout.serverInfoFile.path) else {
            throw BerthError(
                .unavailable,
                "No Berth server runs on the workspace '\(layout.root.path)'. Start one with 'berth server &'.")
        }
        return try BerthJSON.decode(ServerInfo.self, from: data, what: "server.json")
    }
}
