import BerthCore
import Foundation
import HTTPTypes
import Hummingbird

/// The route prefixes of Azure's services, as the v1 SDK builds them from discovery (every
/// service's base URL is this server), and the check that a request names this workspace.
///
/// Azure scopes everything by `/subscriptions/<sub>/resourceGroups/<rg>/…/workspaces/<ws>`; a
/// Berth server holds one workspace, so another name is answered as Azure answers a workspace
/// that does not exist (404 `ResourceNotFound`) and nothing is read or written.
struct AzureScope: Sendable {
    let identity: AzureWorkspaceIdentity
    /// Whether the listener serves TLS, so the absolute URLs handed to the SDK say `https`.
    let tls: Bool

    /// The workspace's ARM path with route parameters.
    static let workspace =
        "/subscriptions/:subscription/resourceGroups/:resourceGroup/providers/Microsoft.MachineLearningServices/workspaces/:workspace"
    /// Model management (`modelmanagement` in discovery): assets, models, services, operations.
    static let modelManagement = "/modelmanagement/v1.0" + workspace
    /// The compute reads (`api` in discovery).
    static let computeReads = "/rp/workspaces" + workspace
    /// The artifact service (`history` in discovery).
    static let artifacts = "/artifact/v2.0" + workspace
    /// The environment service (`experimentation` in discovery).
    static let environments = "/environment/v1.0" + workspace

    /// Throws 404 `ResourceNotFound` unless the request's subscription, resource group and
    /// workspace are this workspace's (compared case-insensitively, as ARM does).
    func check(_ context: some RequestContext) throws {
        let subscription = context.parameters.get("subscription") ?? ""
        let group = context.parameters.get("resourceGroup") ?? ""
        let workspace = context.parameters.get("workspace") ?? ""
        guard subscription.lowercased() == identity.subscriptionId.lowercased(),
            group.lowercased() == identity.resourceGroup.lowercased(),
            workspace.lowercased() == identity.workspaceName.lowercased()
        else {
            throw BerthError(
                .resourceNotFound,
                "The Resource 'Microsoft.MachineLearningServices/workspaces/\(workspace)' under resource group "
                    + "'\(group)' was not found. This Berth server holds workspace '\(identity.workspaceName)' "
                    + "(subscription \(identity.subscriptionId), resource group '\(identity.resourceGroup)'); "
                    + "'berth sdk config' writes a config.json that names it.")
        }
    }

    /// The base URL the client reached this server at (`http[s]://<Host>`), for the absolute URLs
    /// the SDK follows: discovery, operation locations, ARM async operations.
    func baseURL(of request: Request) -> String {
        let host = request.head.authority ?? request.headers[.host] ?? "127.0.0.1"
        return "\(tls ? "https" : "http")://\(host)"
    }
}

extension HTTPField.Name {
    /// `Azure-AsyncOperation`: the absolute URL the SDK polls after an ARM `PUT`.
    static let azureAsyncOperation = HTTPField.Name("Azure-AsyncOperation")!
    static let host = HTTPField.Name("Host")!
}
