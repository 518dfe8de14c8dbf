import ArgumentParser
import BerthCore
import Foundation

/// The flags that deploy one endpoint version, as `az ml endpoint realtime create-version` has
/// them (`--vn`, `--tp`, `--cvt`, `--add-tag` and the long forms): models, configs, the version
/// name, its traffic and roles, tags and properties.
struct EndpointVersionOptions: ParsableArguments {
    @Option(name: [.short, .customLong("model")], help: "A model as name:version (repeatable).")
    var models: [String] = []
    @Option(name: .azure("ic", "inference-config-file"), help: "The inferenceconfig.json.")
    var inferenceConfigFile: String
    @Option(
        name: .azure("dc", "deploy-config-file"),
        help: ArgumentHelp(
            "The deploymentconfig.json (\"computeType\": \"aksendpoint\"; may carry versionName, trafficPercentile, "
                + "isDefault, isControlVersionType)."))
    var deployConfigFile: String?
    @Option(
        name: .azure("vn", "version-name"),
        help: "The version's name (default: the config's versionName, else the endpoint's name).")
    var versionName: String?
    @Option(name: .azure("tp", "traffic-percentile"), help: "The version's share of traffic, 0–100.")
    var trafficPercentile: Double?
    @Flag(name: .customLong("is-default"), help: "Make this version the default (it gets the unassigned traffic).")
    var isDefault = false
    @Flag(
        name: .azure("cvt", "is-control-version-type"),
        help: "Make this version the control (the others become treatments).")
    var isControlVersionType = false
    @Option(
        name: [.customLong("tag"), .customLong("add-tag")],
        help: "A tag of the version, key=value (repeatable; default: the config's tags).")
    var tags: [String] = []
    @Option(
        name: [.customLong("property"), .customLong("add-property")],
        help: "A property of the version, key=value (repeatable; default: the config's properties).")
    var properties: [String] = []

    /// The request body, reading the config files.
    func request() throws -> EndpointVersionRequest {
        let inference = URL(fileURLWithPath: inferenceConfigFile).standardizedFileURL
        guard let inferenceText = try? String(contentsOf: inference, encoding: .utf8) else {
            throw ValidationError("Cannot read --inference-config-file '\(inferenceConfigFile)'.")
        }
        var deployText: String?
        if let deployConfigFile {
            guard let text = try? String(contentsOf: URL(fileURLWithPath: deployConfigFile), encoding: .utf8) else {
                throw ValidationError("Cannot read --deploy-config-file '\(deployConfigFile)'.")
            }
            deployText = text
        }
        guard !models.isEmpty else { throw ValidationError("Give at least one model with -m name:version.") }
        var request = EndpointVersionRequest(
            versionName: versionName, models: models, inferenceConfig: inferenceText, deploymentConfig: deployText,
            baseDirectory: inference.deletingLastPathComponent().path, trafficPercentile: trafficPercentile,
            isDefault: isDefault ? true : nil, isControlVersionType: isControlVersionType ? true : nil)
        request.kvTags = tags.isEmpty ? nil : try parseKeyValues(tags, kind: "tags")
        request.properties = properties.isEmpty ? nil : try parseKeyValues(properties, kind: "properties")
        return request
    }
}
