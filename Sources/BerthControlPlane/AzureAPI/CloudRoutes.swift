import BerthCore
import Foundation
import Hummingbird

/// What the SDK reads before anything else: the cloud metadata document
/// (`ARM_CLOUD_METADATA_URL`), the workspace from ARM, and discovery, which names this server as
/// every Azure service the SDK calls. The metadata and discovery documents are public, as on Azure.
struct CloudRoutes<Context: RequestContext> {
    let scope: AzureScope

    /// Paths anyone may read: they carry no workspace data beyond its names.
    static var openPaths: Set<String> { ["/metadata/endpoints", "/discovery"] }

    func add(to router: Router<Context>) {
        router.get("/metadata/endpoints") { request, _ in
            try JSONBody.response([cloud(base: scope.baseURL(of: request))])
        }
        router.get("/discovery") { request, _ in
            let base = scope.baseURL(of: request)
            let services = [
                "api", "catalog", "experimentation", "gallery", "history", "hyperdrive", "labeling",
                "modelmanagement", "pipelines", "studio",
            ]
            return try JSONBody.response(Dictionary(uniqueKeysWithValues: services.map { ($0, base) }))
        }
        router.get("/subscriptions") { _, _ in
            let identity = scope.identity
            let subscription: JSONValue = [
                "id": .string("/subscriptions/\(identity.subscriptionId)"),
                "subscriptionId": .string(identity.subscriptionId), "displayName": "Berth", "state": "Enabled",
                "tenantId": .string(Self.tenantID),
            ]
            return try JSONBody.response(["value": [subscription]] as JSONValue)
        }
        router.get(RouterPath(AzureScope.workspace)) { request, context in
            try scope.check(context)
            return try JSONBody.response(workspace(base: scope.baseURL(of: request)))
        }
    }

    /// The tenant every Berth token and subscription reports.
    static var tenantID: String { "00000000-0000-0000-0000-000000000000" }

    /// One cloud, named `identity.cloudName`, whose resource manager is this server.
    private func cloud(base: String) -> JSONValue {
        let identity = scope.identity
        let suffix = identity.storageSuffix
        return [
            "name": .string(identity.cloudName),
            "portal": .string(base + "/ui"),
            "resourceManager": .string(base + "/"),
            "authentication": [
                "loginEndpoint": .string(base + "/login"), "audiences": [.string(base + "/")],
                "tenant": "common", "identityProvider": "AAD",
            ],
            "graphAudience": .string(base + "/graph"), "graph": .string(base + "/graph"),
            "gallery": .string(base + "/gallery"), "batch": .string(base + "/batch"),
            "sqlManagement": .string(base + "/sql"), "media": .string(base + "/media"),
            "activeDirectoryDataLake": .string(base + "/adl"), "vmImageAliasDoc": .string(base + "/alias"),
            "suffixes": [
                "storage": .string(suffix), "keyVaultDns": .string("vault." + suffix),
                "acrLoginServer": .string("azurecr." + suffix), "sqlServerHostname": .string("sql." + suffix),
                "azureDataLakeStoreFileSystem": .string("adl." + suffix),
                "azureDataLakeAnalyticsCatalogAndJob": .string("adla." + suffix),
            ],
        ]
    }

    /// The ARM workspace resource: the SDK needs `location` and `properties.discoveryUrl`.
    private func workspace(base: String) -> JSONValue {
        let identity = scope.identity
        let group = "/subscriptions/\(identity.subscriptionId)/resourceGroups/\(identity.resourceGroup)/providers"
        return [
            "id": .string(identity.armPath), "name": .string(identity.workspaceName),
            "type": "Microsoft.MachineLearningServices/workspaces", "location": .string(identity.location),
            "tags": [:], "sku": ["name": "Basic", "tier": "Basic"],
            "identity": [
                "type": "SystemAssigned", "principalId": .string(identity.workspaceId),
                "tenantId": .string(Self.tenantID),
            ],
            "properties": [
                "friendlyName": .string(identity.workspaceName), "description": "",
                "workspaceId": .string(identity.workspaceId),
                "discoveryUrl": .string(base + "/discovery"),
                "storageAccount": .string("\(group)/Microsoft.Storage/storageAccounts/\(identity.storageAccount)"),
                "keyVault": .string("\(group)/Microsoft.KeyVault/vaults/berth"),
                "applicationInsights": .string("\(group)/Microsoft.Insights/components/berth"),
                "containerRegistry": .string("\(group)/Microsoft.ContainerRegistry/registries/berth"),
                "provisioningState": "Succeeded", "hbiWorkspace": false,
            ],
        ]
    }
}
