import BerthBackends
import BerthCore
import BerthStore
import Foundation
import Hummingbird

/// Azure ML's v1 API dialect on the control-plane listener, so the unmodified `azureml-core`
/// SDK drives this workspace: cloud metadata, ARM, discovery, computes, the artifact service,
/// model management and operations. Every route translates to the same domain services as
/// `/api/v1` (registry, compute targets, deployer, credentials, backend); none holds logic of
/// its own beyond the translation.
struct AzureRoutes<Context: RequestContext> {
    let scope: AzureScope
    let store: any MetadataStore
    let assets: any AzureAssetStore
    let environments: any AzureEnvironmentStore
    let artifacts: any ArtifactStore
    let blobs: any UploadedBlobs
    let computes: ComputeTargets
    let operations: LongOperations
    let deployer: Deployer
    let backend: any ComputeBackend
    let credentials: ServiceCredentials
    let endpointManager: EndpointManager
    let workspace: WorkspaceLayout
    let routerURL: @Sendable () -> String?

    /// Paths served without a credential (the SDK sends none there).
    static var openPaths: Set<String> { CloudRoutes<Context>.openPaths }

    func add(to router: Router<Context>) {
        CloudRoutes(scope: scope).add(to: router)
        AzureComputeRoutes(scope: scope, computes: computes, operations: operations, routerURL: routerURL).add(
            to: router)
        ArtifactServiceRoutes(scope: scope, blobs: blobs).add(to: router)
        EnvironmentServiceRoutes(scope: scope, environments: environments).add(to: router)
        AzureModelRoutes(
            scope: scope, registry: ModelRegistry(store: store, artifacts: artifacts), assets: assets, blobs: blobs
        ).add(to: router)
        let translation = AzureDeployTranslation(workspace: workspace, artifacts: artifacts, blobs: blobs)
        AzureServiceRoutes(
            scope: scope, deployer: deployer, store: store, backend: backend, credentials: credentials,
            operations: operations, translation: translation,
            endpoints: AzureEndpoints(
                manager: endpointManager, store: store, translation: translation, accepted: AcceptedCreates())
        ).add(to: router)
    }
}
