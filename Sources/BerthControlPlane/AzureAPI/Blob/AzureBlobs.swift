import BerthCore
import BerthStore
import Foundation

/// The blob storage Azure's SDK uploads models to, as the rest of the Azure facade sees it: the
/// URLs it hands out (`grants`), the index of uploaded blobs (`store`) and the bytes (`artifacts`,
/// the workspace's content-addressed store, so an SDK upload and `berth model register` share it).
///
/// `ControlPlane.blobs` holds the workspace's one instance; the blob proxy serves its protocol.
///
/// ```swift
/// let uri = controlPlane.blobs.grants.contentURI(
///     container: "azureml", name: "LocalUpload/\(folder)/model.pkl", permissions: "rcw",
///     expiresAt: Date().addingTimeInterval(3600))
/// let uploaded = try await controlPlane.blobs.store.blobs(container: "azureml", prefix: "LocalUpload/\(folder)/")
/// ```
struct AzureBlobs: Sendable {
    /// Limits of the blob protocol.
    struct Configuration: Sendable {
        /// The largest body of one Put Blob or Put Block. Default 100 MiB (Azure's SDK sends
        /// single puts up to 64 MiB and blocks of 4 MiB).
        var maxBodyBytes: Int64 = 100 << 20
        /// The largest Put Block List body. Default 8 MiB (50,000 block ids, Azure's limit).
        var maxBlockListBytes: Int = 8 << 20
        /// The most blocks one blob may have put and not committed. Default 50,000 (Azure's
        /// limit of a block list).
        var maxUncommittedBlocks = 50_000
        /// How long uncommitted blocks are kept. Default 7 days, as Azure keeps them.
        var uncommittedBlockLifetime: Duration = .seconds(7 * 86_400)

        init() {}
    }

    let configuration: Configuration
    /// Signs and checks the upload and download URLs.
    let grants: BlobGrants
    /// The index: container and name to digest.
    let store: any BlobStore
    /// Where the bytes of committed blobs live.
    let artifacts: any ArtifactStore
    /// Blocks put and not yet committed.
    let blocks: BlockStaging

    /// The workspace's blob storage: its identity, the blob key (made on first use) and the block
    /// folder `sdk/blocks`, cleared of blocks older than `uncommittedBlockLifetime`.
    ///
    /// - Throws: `BerthError` when the identity or key cannot be read or made.
    init(
        workspace: WorkspaceLayout, store: any BlobStore, artifacts: any ArtifactStore,
        configuration: Configuration = Configuration()
    ) throws {
        let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: workspace)
        try self.init(
            grants: BlobGrants(workspace: workspace, identity: identity), store: store, artifacts: artifacts,
            blocks: BlockStaging(root: workspace.blobBlocks, maxAge: configuration.uncommittedBlockLifetime),
            configuration: configuration)
    }

    /// Blob storage from its parts (tests pass their own key and folders).
    init(
        grants: BlobGrants, store: any BlobStore, artifacts: any ArtifactStore, blocks: BlockStaging,
        configuration: Configuration = Configuration()
    ) {
        self.grants = grants
        self.store = store
        self.artifacts = artifacts
        self.blocks = blocks
        self.configuration = configuration
    }

    /// The identity whose blob host the URLs name.
    var identity: AzureWorkspaceIdentity { grants.identity }
}
