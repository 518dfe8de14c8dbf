import Foundation

/// The names under which Azure ML's v1 Python SDK sees this workspace: the subscription, resource
/// group and workspace in its ARM paths, the cloud its metadata document describes, and the storage
/// account its model uploads go to. Made once per workspace (`$BERTH_HOME/sdk/workspace.json`) so a
/// notebook's `config.json` keeps working across server restarts.
public struct AzureWorkspaceIdentity: Codable, Sendable, Hashable {
    /// A UUID, as Azure's subscription ids are.
    public var subscriptionId: String
    public var resourceGroup: String
    public var workspaceName: String
    /// The workspace's own UUID (`properties.workspaceId`; the SDK's discovery cache key).
    public var workspaceId: String
    /// The ARM `location` every resource reports.
    public var location: String
    /// The cloud's `name` in the metadata document; the SDK selects it with `AZUREML_CURRENT_CLOUD`.
    public var cloudName: String
    /// The storage account of upload URLs: blobs live at `https://<account>.blob.<suffix>/`.
    public var storageAccount: String
    /// The cloud's storage suffix (`suffixes.storage`).
    public var storageSuffix: String

    public init(
        subscriptionId: String = UUID().uuidString.lowercased(), resourceGroup: String = "berth",
        workspaceName: String = "berth", workspaceId: String = UUID().uuidString.lowercased(),
        location: String = "local", cloudName: String = "Berth", storageAccount: String = "berthstore",
        storageSuffix: String = "berth.local"
    ) {
        self.subscriptionId = subscriptionId
        self.resourceGroup = resourceGroup
        self.workspaceName = workspaceName
        self.workspaceId = workspaceId
        self.location = location
        self.cloudName = cloudName
        self.storageAccount = storageAccount
        self.storageSuffix = storageSuffix
    }

    /// The blob host name upload URLs carry, e.g. `berthstore.blob.berth.local`.
    public var blobHost: String { "\(storageAccount).blob.\(storageSuffix)" }

    /// `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.MachineLearningServices/workspaces/<ws>`.
    public var armPath: String {
        "/subscriptions/\(subscriptionId)/resourceGroups/\(resourceGroup)"
            + "/providers/Microsoft.MachineLearningServices/workspaces/\(workspaceName)"
    }

    /// Reads the workspace's identity, or makes and saves a new one on first use.
    public static func loadOrCreate(layout: WorkspaceLayout) throws -> AzureWorkspaceIdentity {
        let file = layout.azureIdentityFile
        if let data = try? Data(contentsOf: file) {
            return try BerthJSON.decode(AzureWorkspaceIdentity.self, from: data, what: file.path)
        }
        let identity = AzureWorkspaceIdentity()
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try BerthJSON.encode(identity, pretty: true).write(to: file, options: .atomic)
        return identity
    }
}

extension WorkspaceLayout {
    /// Where the Azure SDK facade keeps its state: the workspace identity, blob blocks in progress.
    public var sdk: URL { root.appendingPathComponent("sdk", isDirectory: true) }
    /// `sdk/workspace.json`: the `AzureWorkspaceIdentity`.
    public var azureIdentityFile: URL { sdk.appendingPathComponent("workspace.json") }
}
