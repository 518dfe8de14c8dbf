import BerthCore
public import Foundation

/// Azure ML's own workspace file, `<folder>/.azureml/config.json`, which the SDK's
/// `Workspace.from_config()` looks for in the current folder and the folders above it.
///
/// Written by `berth sdk config` so that notebooks written for Azure find a Berth workspace
/// unchanged. It holds names only, no secret.
public enum AzureMLConfigFile {
    /// `<folder>/.azureml/config.json`.
    public static func url(under folder: URL) -> URL {
        folder.appendingPathComponent(".azureml", isDirectory: true).appendingPathComponent("config.json")
    }

    /// Writes (or replaces) the file for `identity` under `folder`, creating the folders.
    ///
    /// - Returns: the file written.
    @discardableResult
    public static func write(_ identity: AzureWorkspaceIdentity, under folder: URL) throws -> URL {
        let file = url(under: folder)
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try BerthJSON.encode(Contents(identity), pretty: true).write(to: file, options: .atomic)
        } catch {
            throw BerthError(
                .badRequest,
                "Cannot write '\(file.path)' (\(error.localizedDescription)); choose a folder you can write with -p.")
        }
        return file
    }

    /// The keys the SDK reads, with its snake_case names.
    private struct Contents: Encodable {
        var subscriptionId: String
        var resourceGroup: String
        var workspaceName: String

        init(_ identity: AzureWorkspaceIdentity) {
            subscriptionId = identity.subscriptionId
            resourceGroup = identity.resourceGroup
            workspaceName = identity.workspaceName
        }

        private enum CodingKeys: String, CodingKey {
            case subscriptionId = "subscription_id"
            case resourceGroup = "resource_group"
            case workspaceName = "workspace_name"
        }
    }
}
