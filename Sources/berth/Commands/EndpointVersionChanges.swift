import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// What `endpoint version update` (and Azure's `update-version`) changes besides traffic and
/// roles: the version's code and settings (a rolling update of its replicas), and its description,
/// tags and properties (no restart).
struct EndpointVersionChanges: ParsableArguments {
    @Option(name: [.short, .customLong("model")], help: "The version's models, as name:version (repeatable).")
    var models: [String] = []
    @Option(name: .azure("ic", "inference-config-file"), help: "A new inferenceconfig.json.")
    var inferenceConfigFile: String?
    @Option(
        name: .azure("dc", "deploy-config-file"),
        help: "A deploymentconfig.json; the fields it sets replace the version's current ones.")
    var deployConfigFile: String?
    @Option(name: [.short, .long], help: "A new description of the version.") var description: String?
    @Option(name: [.customLong("add-tag"), .customLong("tag")], help: "Add or change a tag, key=value (repeatable).")
    var addTags: [String] = []
    @Option(name: .customLong("remove-tag"), help: "Remove a tag by key (repeatable).")
    var removeTags: [String] = []
    @Option(
        name: [.customLong("add-property"), .customLong("property")],
        help: "Add or change a property, key=value (repeatable).")
    var addProperties: [String] = []

    /// Applies `traffic` (its traffic and roles) and these changes to a version, then prints it.
    func apply(
        endpoint name: String, version versionName: String, _ traffic: EndpointVersionUpdate, global: GlobalOptions
    )
        async throws
    {
        let client = try global.client()
        var update = traffic
        update.description = description
        update.addTags = addTags.isEmpty ? nil : try parseKeyValues(addTags, kind: "tags")
        update.removeTags = removeTags.isEmpty ? nil : removeTags
        update.addProperties = addProperties.isEmpty ? nil : try parseKeyValues(addProperties, kind: "properties")
        let changesCode = !models.isEmpty || inferenceConfigFile != nil || deployConfigFile != nil
        guard changesCode || update.changesTraffic || update.changesMetadata else {
            throw ValidationError(
                "Nothing to update: give -m, --ic, --dc, --traffic-percentile, --is-default, "
                    + "--is-control-version-type, -d, --add-tag, --remove-tag or --add-property.")
        }
        if changesCode {
            // A version is a deployment of its own: it updates like a service.
            var deployConfigText: String?
            if let deployConfigFile {
                guard let text = try? String(contentsOf: URL(fileURLWithPath: deployConfigFile), encoding: .utf8)
                else { throw ValidationError("Cannot read --deploy-config-file '\(deployConfigFile)'.") }
                deployConfigText = text
            }
            let request = try UpdateServiceRequest.reading(
                models: models, inferenceConfigFile: inferenceConfigFile, deployConfigText: deployConfigText)
            let deployment = EndpointVersion.deploymentName(endpoint: name, version: versionName)
            let operation = try await client.updateService(named: deployment, request)
            if global.output == .table { print("Updating version '\(versionName)' of endpoint '\(name)'…") }
            _ = try await client.waitForOperation(id: operation.id) { entry in
                if global.output == .table { print("  \(entry.message)") }
            }
        }
        var endpoint: Endpoint?
        if update.changesTraffic || update.changesMetadata {
            endpoint = try await client.updateEndpointVersion(versionName, endpoint: name, update)
        }
        if global.output.isStructured {
            let shown = if let endpoint { endpoint } else { try await client.endpoint(named: name) }
            return try Output.structured(global.output, shown)
        }
        print("Updated version '\(versionName)' of endpoint '\(name)'.")
    }
}
