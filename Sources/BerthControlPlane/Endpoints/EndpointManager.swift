import BerthAuth
import BerthCore
import BerthStore
import Foundation

/// Endpoints and their versions: every rule check (`EndpointVersionRules`) before anything is
/// stored, then the change to the store, the route table and the version deployments.
///
/// Each version's replicas are a deployment named `<endpoint>--<version>`
/// (`EndpointVersion.deploymentName`) made and removed by the same `Deployer` and runner as a
/// service, so builds, environments, replicas, restarts and logs work the same; the service list
/// hides them. Traffic changes only republish the route table: no replica restarts.
///
/// Removing a version (or the endpoint) first takes it out of the split, then waits until no
/// router has a request in flight or queued on it (`DeploymentDrain`, at most its queue wait plus
/// scoring timeout) before stopping its replicas: no request already sent to it is cut.
struct EndpointManager: Sendable {
    let store: any MetadataStore
    let endpoints: any EndpointStore
    let deployer: Deployer
    let queue: DeploymentQueue
    let routes: RoutePublisher
    let signingKeys: WorkspaceSigningKeys
    let routerURL: @Sendable () -> String?
    /// Waits for requests on a removed version to finish before its replicas stop.
    let drain: DeploymentDrain

    // MARK: Endpoints

    /// Creates the endpoint with its first version (the default); the operation is the
    /// version's deploy.
    func create(_ request: CreateEndpointRequest) async throws -> BerthCore.Operation {
        try NameKind.endpoint.validate(request.name)
        return try await exclusively(request.name) {
            if try await endpoints.endpoint(named: request.name) != nil {
                throw BerthError.alreadyExists(
                    "Endpoint '\(request.name)' already exists; add a version with 'berth endpoint version create "
                        + "-n \(request.name) …' or choose another --name.")
            }
            if try await store.service(named: request.name) != nil {
                throw BerthError.alreadyExists(
                    "A service named '\(request.name)' exists; services and endpoints share names. Choose another --name."
                )
            }
            let config = try versionConfig(request.version)
            var versions = try EndpointVersionRules.apply(
                change(for: request.version, config: config, endpoint: request.name), to: [],
                endpoint: request.name)
            try describe(&versions[0], as: request.version)
            var endpoint = Endpoint(
                name: request.name, computeName: request.computeName, description: request.description,
                authEnabled: config.authEnabled, aadAuthEnabled: config.aadAuthEnabled, versions: versions)
            endpoint.scoringUri = routerURL().map { "\($0)/api/v1/endpoint/\(request.name)/score" }
            let operation = try await deployVersion(
                versions[0].name, of: endpoint, request.version, computeName: request.computeName)
            try await endpoints.saveEndpoint(endpoint)
            if endpoint.authEnabled { _ = try await keys(forEndpoint: endpoint.name) }
            routes.changed()
            return operation
        }
    }

    /// The stored endpoint, or 404 naming how to list them.
    func endpoint(named name: String) async throws -> Endpoint {
        guard let endpoint = try await endpoints.endpoint(named: name) else {
            throw BerthError.notFound(
                "Endpoint '\(name)' does not exist in this workspace. 'berth endpoint list' shows them.")
        }
        return endpoint
    }

    /// Every endpoint, as the API shows them.
    func list() async throws -> [Endpoint] {
        var presented: [Endpoint] = []
        for endpoint in try await endpoints.endpoints() { presented.append(await self.presented(endpoint)) }
        return presented
    }

    /// `endpoint` with the scoring URI of the router running now (its port may change between
    /// server starts, so the stored one is not trusted).
    func presented(_ endpoint: Endpoint) async -> Endpoint {
        var endpoint = endpoint
        // Through the compute's cname over https when the compute target has TLS.
        let tls = try? await store.compute(named: endpoint.computeName)?.sslConfiguration
        endpoint.scoringUri = routerURL().map { router in
            let base = tls?.scoringBase(fromRouterURL: router) ?? router
            return "\(base)/api/v1/endpoint/\(endpoint.name)/score"
        }
        return endpoint
    }

    /// Changes endpoint-level auth or description with Azure's rules (key and token auth are never
    /// both on); the router applies the new auth before this returns. No replica restarts.
    func update(_ name: String, _ update: EndpointUpdate) async throws -> Endpoint {
        try await exclusively(name) {
            var endpoint = try await endpoint(named: name)
            if update.authEnabled == true, update.tokenAuthEnabled == true {
                throw BerthError.badRequest("Error, cannot set both token_auth_enabled and auth_enabled.")
            }
            let keyAuth = update.authEnabled ?? (update.tokenAuthEnabled == true ? false : endpoint.authEnabled)
            let tokenAuth = update.tokenAuthEnabled ?? (update.authEnabled == true ? false : endpoint.aadAuthEnabled)
            if keyAuth, tokenAuth {
                throw BerthError.badRequest(
                    "Error, cannot set token_auth_enabled without disabling key auth (set auth_enabled to False).")
            }
            endpoint.authEnabled = keyAuth
            endpoint.aadAuthEnabled = tokenAuth
            if let description = update.description { endpoint.description = description }
            endpoint.updatedTime = Date()
            try await endpoints.saveEndpoint(endpoint)
            if keyAuth, try await endpoints.endpointKeys(forEndpoint: name) == nil {
                let keys = ServiceKeys(primaryKey: ServiceKeyring.newKey(), secondaryKey: ServiceKeyring.newKey())
                try await endpoints.saveEndpointKeys(keys, forEndpoint: name)
            }
            await routes.rebuild()
            return await presented(endpoint)
        }
    }

    /// Takes the endpoint off the router, then (after the drain) deletes every version's
    /// deployment; returns their operations.
    func delete(_ name: String) async throws -> [BerthCore.Operation] {
        try await exclusively(name) {
            let endpoint = try await endpoint(named: name)
            try await endpoints.deleteEndpoint(named: name)
            await routes.rebuild()
            var deployments: [Webservice] = []
            for version in endpoint.versions {
                let deployment = EndpointVersion.deploymentName(endpoint: name, version: version.name)
                if let service = try await store.service(named: deployment) { deployments.append(service) }
            }
            try await drain.wait(for: deployments.map(\.name), atMost: DeploymentDrain.limit(for: deployments))
            var operations: [BerthCore.Operation] = []
            var busy: [String] = []
            for deployment in deployments.map(\.name) {
                do {
                    operations.append(try await deployer.delete(deployment))
                } catch let error as BerthError where error.code == .conflict {
                    busy.append(deployment)
                }
            }
            guard busy.isEmpty else { throw stillBusy(busy, what: "Endpoint '\(name)' is deleted") }
            return operations
        }
    }

    // MARK: Versions

    /// Adds a version (rules checked first); the operation is its deploy.
    func createVersion(_ request: EndpointVersionRequest, endpoint name: String) async throws -> BerthCore.Operation {
        try await exclusively(name) {
            var endpoint = try await endpoint(named: name)
            let config = try versionConfig(request)
            let change = change(for: request, config: config, endpoint: name)
            endpoint.versions = try EndpointVersionRules.apply(change, to: endpoint.versions, endpoint: name)
            guard case .create(let versionName, _, _, _) = change else { preconditionFailure("a create change") }
            if let index = endpoint.versions.firstIndex(where: { $0.name == versionName }) {
                try describe(&endpoint.versions[index], as: request)
            }
            let operation = try await deployVersion(
                versionName, of: endpoint, request, computeName: endpoint.computeName)
            endpoint.updatedTime = Date()
            try await endpoints.saveEndpoint(endpoint)
            routes.changed()
            return operation
        }
    }

    /// Changes a version's traffic or roles (the router has the new split before this returns),
    /// and its description, tags or properties.
    func updateVersion(_ version: String, endpoint name: String, _ update: EndpointVersionUpdate) async throws
        -> Endpoint
    {
        try await exclusively(name) {
            var endpoint = try await endpoint(named: name)
            if update.changesTraffic || !update.changesMetadata {
                endpoint.versions = try EndpointVersionRules.apply(
                    .update(
                        name: version, trafficPercentile: update.trafficPercentile, isDefault: update.isDefault,
                        isControl: update.isControlVersionType), to: endpoint.versions, endpoint: name)
            }
            guard let index = endpoint.versions.firstIndex(where: { $0.name == version }) else {
                throw BerthError.notFound(
                    "Endpoint '\(name)' has no version '\(version)'; its versions are "
                        + endpoint.versions.map { "'\($0.name)'" }.joined(separator: ", ") + ".")
            }
            Self.apply(update, to: &endpoint.versions[index])
            endpoint.updatedTime = Date()
            try await endpoints.saveEndpoint(endpoint)
            await routes.rebuild()
            return await presented(endpoint)
        }
    }

    /// Takes a version out of the split at once and deletes its deployment after the drain.
    func deleteVersion(_ version: String, endpoint name: String) async throws -> BerthCore.Operation? {
        try await exclusively(name) {
            var endpoint = try await endpoint(named: name)
            endpoint.versions = try EndpointVersionRules.apply(
                .delete(name: version), to: endpoint.versions, endpoint: name)
            endpoint.updatedTime = Date()
            try await endpoints.saveEndpoint(endpoint)
            await routes.rebuild()
            let deployment = EndpointVersion.deploymentName(endpoint: name, version: version)
            guard let service = try await store.service(named: deployment) else { return nil }
            try await drain.wait(for: [deployment], atMost: DeploymentDrain.limit(for: [service]))
            do {
                return try await deployer.delete(deployment)
            } catch let error as BerthError where error.code == .conflict {
                throw stillBusy([deployment], what: "Version '\(version)' is out of endpoint '\(name)'")
            }
        }
    }

    // MARK: Keys and tokens

    /// The endpoint's keys, made on first use; 400 when it does not use keys.
    func keys(forEndpoint name: String) async throws -> ServiceKeys {
        let endpoint = try await endpoint(named: name)
        guard endpoint.authEnabled else {
            throw BerthError.badRequest(
                "Endpoint '\(name)' does not use keys (authEnabled is false)"
                    + (endpoint.aadAuthEnabled
                        ? "; get a token with 'berth endpoint get-access-token -n \(name)'." : "."))
        }
        if let keys = try await endpoints.endpointKeys(forEndpoint: name) { return keys }
        let keys = ServiceKeys(primaryKey: ServiceKeyring.newKey(), secondaryKey: ServiceKeyring.newKey())
        try await endpoints.saveEndpointKeys(keys, forEndpoint: name)
        return keys
    }

    /// Replaces one key; the router refuses the old value before this returns.
    func regenerateKey(_ request: RegenerateKeyRequest, forEndpoint name: String) async throws -> ServiceKeys {
        let keys = try ServiceKeyring.regenerated(try await keys(forEndpoint: name), by: request)
        try await endpoints.saveEndpointKeys(keys, forEndpoint: name)
        await routes.rebuild()
        return keys
    }

    /// A token scoped to the endpoint; 400 when it does not use tokens.
    func token(forEndpoint name: String) async throws -> AccessToken {
        let endpoint = try await endpoint(named: name)
        guard endpoint.aadAuthEnabled else {
            throw BerthError.badRequest(
                "Endpoint '\(name)' does not use tokens (tokenAuthEnabled is false); use its keys "
                    + "('berth endpoint get-keys -n \(name)').")
        }
        return try await signingKeys.issue(audience: name)
    }

    // MARK: Helpers

    /// The error when a removed version's deployment could not be deleted because its deploy
    /// still runs: the removal stands, the user deletes the leftover once the deploy ends.
    private func stillBusy(_ deployments: [String], what: String) -> BerthError {
        BerthError.conflict(
            "\(what), but " + deployments.map { "'\($0)'" }.joined(separator: ", ")
                + " is still being deployed; when it finishes, delete it with "
                + deployments.map { "'berth service delete -n \($0)'" }.joined(separator: " and ") + ".")
    }

    /// Runs `body` while holding the endpoint against other changes (409 if one runs).
    private func exclusively<T: Sendable>(_ name: String, _ body: () async throws -> T) async throws -> T {
        let claim = "endpoint:" + name
        guard queue.claim(claim) else {
            throw BerthError.conflict(
                "Another change to endpoint '\(name)' is in progress; wait for it to finish, then retry.")
        }
        defer { queue.release(claim) }
        return try await body()
    }

    private func versionConfig(_ request: EndpointVersionRequest) throws -> DeploymentConfig {
        guard let text = request.deploymentConfig else { return DeploymentConfig(computeType: .aksEndpoint) }
        return try DeploymentConfigFile.parse(Data(text.utf8)).value.resolved()
    }

    /// The rules' change for a version request: flags first, else the config's endpoint fields,
    /// else the endpoint's name as the version name (Azure's default).
    private func change(
        for request: EndpointVersionRequest, config: DeploymentConfig, endpoint: String
    ) -> EndpointVersionRules.Change {
        let name = request.versionName ?? config.versionName ?? endpoint
        let isControl = request.isControlVersionType ?? config.versionType.map { $0 == .control }
        return .create(
            name: name, trafficPercentile: request.trafficPercentile ?? config.trafficPercentile,
            isDefault: request.isDefault ?? config.isDefault, isControl: isControl)
    }

    private func deployVersion(
        _ version: String, of endpoint: Endpoint, _ request: EndpointVersionRequest, computeName: String
    ) async throws -> BerthCore.Operation {
        var deploy = DeployRequest(
            name: EndpointVersion.deploymentName(endpoint: endpoint.name, version: version),
            computeName: computeName, models: request.models, inferenceConfig: request.inferenceConfig,
            deploymentConfig: request.deploymentConfig, baseDirectory: request.baseDirectory)
        deploy.description = request.description
        deploy.kvTags = request.kvTags
        deploy.properties = request.properties
        return try await deployer.deploy(deploy, endpointVersion: true)
    }

    /// Gives a new version the request's description, tags and properties (else its config's).
    private func describe(_ version: inout EndpointVersion, as request: EndpointVersionRequest) throws {
        let metadata = try metadata(of: request)
        version.description = metadata.description
        version.kvTags = metadata.kvTags
        version.properties = metadata.properties
    }
}
