import BerthBackends
import BerthCore
import BerthStore
import Foundation

/// The API side of deploys and deletes: every check that needs no long work, then an operation
/// and a job for the runner; the caller answers 202 with the operation at once.
struct Deployer: Sendable {
    /// How long a deploy, update or delete waits for the service to be free before answering 409:
    /// long enough for the autoscaler to finish applying a scaling step, short for an API call.
    static let claimPatience: Duration = .seconds(5)

    let store: any MetadataStore
    let queue: DeploymentQueue
    /// The seed's limit on models per deployment.
    static let maxModels = 1000

    /// Validates a deploy and enqueues it.
    ///
    /// - Parameter endpointVersion: the deploy runs an endpoint version (`EndpointManager`): its
    ///   name is `<endpoint>--<version>` (both parts checked by the caller) and its config is
    ///   `computeType: aksendpoint` (or absent).
    /// - Throws: 400 for bad names or configs (naming the file and field), 404 for a missing model
    ///   or compute target, 409 when the service exists without `overwrite` or another operation
    ///   on it runs.
    /// - Parameter notes: lines for the operation log beside the configs' own warnings (what the
    ///   Azure dialect set aside when translating a request).
    func deploy(_ request: DeployRequest, endpointVersion: Bool = false, notes: [String] = []) async throws
        -> BerthCore.Operation
    {
        var validated = try await validate(request, endpointVersion: endpointVersion)
        validated.warnings += notes
        try await checkGPUs(service: request.name, config: validated.deploymentConfig, on: validated.compute)
        if !endpointVersion, let endpoints = store as? any EndpointStore,
            try await endpoints.endpoint(named: request.name) != nil
        {
            throw BerthError(
                .alreadyExists,
                "An endpoint named '\(request.name)' exists; services and endpoints share names. Choose another --name."
            )
        }
        let existing = try await store.service(named: request.name)
        if existing != nil, !request.overwrite {
            throw BerthError(
                .alreadyExists,
                "Service '\(request.name)' already exists. Pass --overwrite to replace it, or choose another --name.")
        }
        guard await queue.claim(request.name, waitingUpTo: Self.claimPatience) else { throw busy(request.name) }
        let operation = BerthCore.Operation(
            operationType: "DeployService", resourceLocation: "/api/v1/services/\(request.name)")
        do {
            try await store.saveOperation(operation)
        } catch {
            queue.release(request.name)
            throw error
        }
        queue.enqueue(.deploy(validated, OperationRecorder(operation, store: store, changes: queue.operationChanges)))
        return operation
    }

    /// Validates an update of a live service and enqueues it.
    ///
    /// - Throws: 400 for nothing to update or bad configs (naming the file and field), 404 for a
    ///   missing service or model, 409 while another operation on the service runs.
    func update(_ name: String, _ request: UpdateServiceRequest, notes: [String] = []) async throws
        -> BerthCore.Operation
    {
        guard let service = try await store.service(named: name) else {
            throw BerthError.notFound(
                "Service '\(name)' does not exist in this workspace. 'berth service list' shows them.")
        }
        guard service.state != .deleting, service.revision != nil else {
            throw BerthError.conflict(
                "Service '\(name)' is \(service.state.rawValue) and cannot be updated; deploy it again with --overwrite."
            )
        }
        var validated = try await validateUpdate(service, request)
        validated.warnings += notes
        if validated.deploymentConfig.containerResourceRequirements.gpu
            > service.deploymentConfig.containerResourceRequirements.gpu,
            let compute = try await store.compute(named: service.computeName)
        {
            try await checkGPUs(service: name, config: validated.deploymentConfig, on: compute)
        }
        if let added = validated.properties {
            // Azure adds properties one by one; none is dropped by an update.
            validated.properties = (service.properties ?? [:]).merging(added) { _, new in new }
        }
        guard await queue.claim(name, waitingUpTo: Self.claimPatience) else { throw busy(name) }
        let operation = BerthCore.Operation(
            operationType: "UpdateService", resourceLocation: "/api/v1/services/\(name)")
        do {
            try await store.saveOperation(operation)
        } catch {
            queue.release(name)
            throw error
        }
        queue.enqueue(.update(validated, OperationRecorder(operation, store: store, changes: queue.operationChanges)))
        return operation
    }

    private func validateUpdate(_ service: Webservice, _ request: UpdateServiceRequest) async throws -> ValidatedUpdate
    {
        let metadataOnly = request.description != nil || request.kvTags != nil || request.properties != nil
        guard request.models != nil || request.inferenceConfig != nil || request.deploymentConfig != nil || metadataOnly
        else {
            throw BerthError.badRequest(
                "No parameters provided to update. Give -m/--model, --ic/--inference-config, --dc/--deploy-config-file "
                    + "or a setting such as --auth-enabled or --autoscale-max-replicas.")
        }
        var update = ValidatedUpdate(
            name: service.name, deploymentConfig: service.deploymentConfig, warnings: [],
            description: request.description, kvTags: request.kvTags, properties: request.properties)
        if let ids = request.models {
            guard !ids.isEmpty, ids.count <= Self.maxModels else {
                throw BerthError.badRequest(
                    "An update takes 1 to \(Self.maxModels) models with -m/--model name:version.")
            }
            update.models = try await resolveModels(ids)
        }
        if let text = request.inferenceConfig {
            guard let baseDirectory = request.baseDirectory else {
                throw BerthError.badRequest(
                    "baseDirectory is required with inferenceConfig: the folder its paths are relative to.")
            }
            let inference = try InferenceConfig.parse(Data(text.utf8))
            update.warnings += inference.warnings
            let base = URL(fileURLWithPath: baseDirectory, isDirectory: true).standardizedFileURL
            try DeploymentFiles.checkSources(of: inference.value, baseDirectory: base)
            let (sourceDirectory, entryScript) = DeploymentFiles.sourceLocation(
                of: inference.value, baseDirectory: base)
            var config = inference.value
            config.sourceDirectory = sourceDirectory.path
            config.entryScript = entryScript
            update.inferenceConfig = config
            update.sourceDirectory = sourceDirectory
            update.entryScript = entryScript
        }
        if let text = request.deploymentConfig {
            let file = try DeploymentConfigFile.parse(Data(text.utf8), requiresComputeType: false)
            update.warnings += file.warnings + Self.updateWarnings(file.value, of: service)
            update.deploymentConfig = try service.deploymentConfig.applying(file.value)
            update.deploymentConfig.computeTargetName = service.deploymentConfig.computeTargetName
            update.description = update.description ?? file.value.description
            update.kvTags = update.kvTags ?? file.value.tags
            update.properties = update.properties ?? file.value.properties
        }
        return update
    }

    private func resolveModels(_ ids: [String]) async throws -> [Model] {
        try await store.models(referencedBy: ids) {
            "Model '\($0)' does not exist in this workspace. 'berth model list' shows the registered models."
        }
    }

    /// Marks a service Deleting and enqueues its removal.
    func delete(_ name: String) async throws -> BerthCore.Operation {
        guard try await store.service(named: name) != nil else {
            throw BerthError.notFound(
                "Service '\(name)' does not exist in this workspace. 'berth service list' shows them.")
        }
        guard await queue.claim(name, waitingUpTo: Self.claimPatience) else { throw busy(name) }
        let operation = BerthCore.Operation(
            operationType: "DeleteService", resourceLocation: "/api/v1/services/\(name)")
        do {
            try await store.updateService(named: name, ifGeneration: nil) { $0.deleting = true }
            try await store.saveOperation(operation)
        } catch {
            queue.release(name)
            throw error
        }
        queue.enqueue(.delete(name: name, OperationRecorder(operation, store: store, changes: queue.operationChanges)))
        return operation
    }

    private func busy(_ name: String) -> BerthError {
        BerthError.conflict(
            "Another operation on service '\(name)' is in progress; wait for it to finish ('berth service show -n \(name)'), then retry."
        )
    }

    private func validate(_ request: DeployRequest, endpointVersion: Bool) async throws -> ValidatedDeploy {
        if !endpointVersion { try NameKind.service.validate(request.name) }
        guard !request.models.isEmpty else {
            throw BerthError.badRequest("Give at least one model to deploy with -m/--model name:version.")
        }
        guard request.models.count <= Self.maxModels else {
            throw BerthError.badRequest(
                "A deployment takes at most \(Self.maxModels) models; \(request.models.count) were given.")
        }
        let models = try await resolveModels(request.models)
        let inference = try InferenceConfig.parse(Data(request.inferenceConfig.utf8))
        var warnings = inference.warnings
        var deployment = DeploymentConfig()
        var file = DeploymentConfigFile()
        if let text = request.deploymentConfig {
            let parsed = try DeploymentConfigFile.parse(Data(text.utf8))
            warnings += parsed.warnings
            file = parsed.value
            deployment = file.resolved()
        }
        let target = try DeploymentTarget.choose(flag: request.computeName, config: file.computeTargetName)
        warnings += target.warnings
        guard let compute = try await store.compute(named: target.name) else {
            throw BerthError.notFound(
                "Compute target '\(target.name)' (from \(target.source)) does not exist in this workspace. Create "
                    + "one with 'berth computetarget create local -n \(target.name)'.")
        }
        guard compute.provisioningState == .succeeded else {
            throw BerthError.conflict(
                "Compute target '\(compute.name)' is \(compute.provisioningState.rawValue), not Succeeded; deploy when it is ready."
            )
        }
        deployment.computeTargetName = compute.name
        if endpointVersion, file.keys != nil {
            warnings.append(
                "deploymentconfig.json: keys are not used for an endpoint version: the endpoint's keys answer for "
                    + "all its versions; set one with 'berth endpoint regen-key -n <endpoint> -k Primary --set-key'.")
        }
        if endpointVersion {
            guard request.deploymentConfig == nil || deployment.computeType == .aksEndpoint else {
                throw BerthError.invalidConfiguration(
                    "deploymentconfig.json: computeType aks deploys a web service; an endpoint version takes "
                        + "\"computeType\": \"aksendpoint\" (or no computeType).")
            }
            deployment.computeType = .aksEndpoint
        } else if deployment.computeType != .aks {
            throw BerthError.invalidConfiguration(
                "deploymentconfig.json: computeType \(deployment.computeType.rawValue) deploys an endpoint version; "
                    + "'berth model deploy' takes \"computeType\": \"aks\".")
        }
        let base = URL(fileURLWithPath: request.baseDirectory, isDirectory: true).standardizedFileURL
        try DeploymentFiles.checkSources(of: inference.value, baseDirectory: base)
        let (sourceDirectory, entryScript) = DeploymentFiles.sourceLocation(of: inference.value, baseDirectory: base)
        var config = inference.value
        config.sourceDirectory = sourceDirectory.path
        config.entryScript = entryScript
        return ValidatedDeploy(
            name: request.name, compute: compute, models: models, inferenceConfig: config,
            deploymentConfig: deployment, sourceDirectory: sourceDirectory, entryScript: entryScript,
            warnings: warnings, description: request.description ?? file.description,
            kvTags: request.kvTags ?? file.tags, properties: request.properties ?? file.properties,
            keys: endpointVersion ? nil : file.keys)
    }
}
