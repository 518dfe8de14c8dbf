import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth model deploy`, shaped like `az ml model deploy`: models + inferenceconfig.json +
/// deploymentconfig.json onto a compute target, as a service with a scoring URI (or, with an
/// `aksendpoint` config, as the first version of a new endpoint).
struct ModelDeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy models as a web service on a compute target.",
        discussion: """
            Example: berth model deploy -n myservice -m mymodel:1 --ic inferenceconfig.json \
            --dc deploymentconfig.json --ct mylocal

            Azure's single-dash spellings -ic, -dc and -ct work too. Without --ct, the deployment config's \
            computeTargetName names the compute target. --tag, --property and --description win over the \
            deployment config's tags, properties and description.

            A deployment config with "computeType": "aksendpoint" creates an endpoint named -n instead, with \
            this deploy as its first version (the default; named by the config's versionName, else after the \
            endpoint). Add versions with 'berth endpoint version create'.

            Waits until the service is Healthy, printing progress, unless --no-wait is given.
            """)

    @Option(name: [.short, .long], help: "Service name: 3–32 characters, lowercase letters, digits and '-'.")
    var name: String
    @Option(name: [.short, .customLong("model")], help: "A model as name:version (repeatable, up to 1000).")
    var models: [String] = []
    @Option(name: .azure("ic", "inference-config-file"), help: "The inferenceconfig.json.")
    var inferenceConfigFile: String
    @Option(name: .azure("dc", "deploy-config-file"), help: "The deploymentconfig.json.")
    var deployConfigFile: String?
    @Option(
        name: .azure("ct", "compute-target"),
        help: "The compute target to deploy to (default: the deployment config's computeTargetName).")
    var computeTarget: String?
    @Option(name: .long, help: "A tag key=value (repeatable).")
    var tag: [String] = []
    @Option(name: .long, help: "A property key=value (repeatable).")
    var property: [String] = []
    @Option(name: .long, help: "A description of the service.")
    var description: String?
    @Flag(name: .long, help: "Replace a service of the same name.")
    var overwrite = false
    @Flag(name: .customLong("no-wait"), help: "Return once the deploy started; follow it with 'berth service show'.")
    var noWait = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
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
        var request = DeployRequest(
            name: name, computeName: computeTarget ?? "", models: models, inferenceConfig: inferenceText,
            deploymentConfig: deployText, baseDirectory: inference.deletingLastPathComponent().path,
            overwrite: overwrite)
        request.kvTags = tag.isEmpty ? nil : try parseKeyValues(tag, kind: "tags")
        request.properties = property.isEmpty ? nil : try parseKeyValues(property, kind: "properties")
        request.description = description
        let client = try global.client()
        let operation = try await client.deploy(request)
        if noWait {
            if global.output.isStructured { return try Output.structured(global.output, operation) }
            print("Deploying '\(name)' (operation \(operation.id)); follow it with 'berth service show -n \(name)'.")
            return
        }
        if global.output == .table { print("Deploying '\(name)'…") }
        _ = try await client.waitForOperation(id: operation.id) { entry in
            if global.output == .table { print("  \(entry.message)") }
        }
        if deploysEndpoint(deployText) {
            let endpoint = try await client.endpoint(named: name)
            if global.output.isStructured { return try Output.structured(global.output, endpoint) }
            print("Endpoint '\(name)': \(endpoint.scoringUri ?? "(no router)")")
            return
        }
        let service = try await client.service(named: name)
        if global.output.isStructured { return try Output.structured(global.output, service) }
    }

    /// Whether the deployment config says `"computeType": "aksendpoint"`: the server then creates
    /// an endpoint of that name, with this deploy as its first version.
    private func deploysEndpoint(_ deployText: String?) -> Bool {
        guard let deployText,
            let file = try? DeploymentConfigFile.parse(Data(deployText.utf8), requiresComputeType: false)
        else { return false }
        return file.value.computeType == .aksEndpoint
    }
}
