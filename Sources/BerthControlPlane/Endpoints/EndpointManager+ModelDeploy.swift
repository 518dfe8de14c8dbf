import BerthCore
import Foundation

extension EndpointManager {
    /// Whether a deploy request's config says `"computeType": "aksendpoint"`: Azure's way to create
    /// an endpoint (`az ml model deploy … --dc` with such a config). A config that does not parse
    /// is left to the deploy, which names the bad field.
    static func createsEndpoint(_ request: DeployRequest) -> Bool {
        guard let text = request.deploymentConfig,
            let file = try? DeploymentConfigFile.parse(Data(text.utf8), requiresComputeType: false)
        else { return false }
        return file.value.computeType == .aksEndpoint
    }

    /// Creates the endpoint a `model deploy` with an `aksendpoint` config asks for: the request's
    /// name is the endpoint's, and its models and configs are the first version, the default
    /// (named by the config's `versionName`, else after the endpoint). `--tag`, `--property` and
    /// `--description` (else the config's) go to that version; the description to the endpoint too.
    ///
    /// - Returns: the version's deploy operation.
    func create(fromDeploy request: DeployRequest) async throws -> BerthCore.Operation {
        let file = try request.deploymentConfig.map { try DeploymentConfigFile.parse(Data($0.utf8)).value }
        let target = try DeploymentTarget.choose(flag: request.computeName, config: file?.computeTargetName)
        var version = EndpointVersionRequest(
            versionName: nil, models: request.models, inferenceConfig: request.inferenceConfig,
            deploymentConfig: request.deploymentConfig, baseDirectory: request.baseDirectory)
        version.description = request.description
        version.kvTags = request.kvTags
        version.properties = request.properties
        return try await create(
            CreateEndpointRequest(
                name: request.name, computeName: target.name, description: request.description ?? file?.description,
                version: version))
    }

    /// The description, tags and properties of a new version: the request's, else its config's.
    func metadata(of request: EndpointVersionRequest) throws -> EndpointVersion {
        let file = try request.deploymentConfig.map {
            try DeploymentConfigFile.parse(Data($0.utf8), requiresComputeType: false).value
        }
        var version = EndpointVersion(name: "")
        version.description = request.description ?? file?.description
        version.kvTags = request.kvTags ?? file?.tags
        version.properties = request.properties ?? file?.properties
        return version
    }

    /// Applies an update's description, tags and properties to `version`.
    static func apply(_ update: EndpointVersionUpdate, to version: inout EndpointVersion) {
        if let description = update.description { version.description = description }
        if update.addTags != nil || update.removeTags != nil {
            var tags = (version.kvTags ?? [:]).merging(update.addTags ?? [:]) { _, new in new }
            for key in update.removeTags ?? [] { tags[key] = nil }
            version.kvTags = tags.isEmpty ? nil : tags
        }
        if let added = update.addProperties {
            version.properties = (version.properties ?? [:]).merging(added) { _, new in new }
        }
    }
}
