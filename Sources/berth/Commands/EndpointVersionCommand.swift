import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth endpoint version create|update|delete` (Azure's `create-version`, `update-version`,
/// `delete-version`).
struct EndpointVersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Add, re-weight or remove an endpoint's versions.",
        subcommands: [Create.self, Update.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy a new version behind an endpoint.")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @OptionGroup var version: EndpointVersionOptions
        @Flag(name: .customLong("no-wait"), help: "Return once the deploy started.") var noWait = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let operation = try await client.createEndpointVersion(try version.request(), endpoint: name)
            try await finishVersionDeploy(operation, client: client, endpoint: name, noWait: noWait, global: global)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change a version: its models, inference or deployment config (a rolling update), traffic or roles.",
            discussion: """
                Traffic and role changes apply to the next request. New models, a new inference config or a \
                deployment config roll the version's replicas as 'berth service update' does: the new ones serve \
                only once ready, and an update whose replicas never get ready is rolled back.
                """)
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .customLong("version-name")) var versionName: String
        @Option(name: .customLong("traffic-percentile"), help: "The version's share of traffic, 0–100.")
        var trafficPercentile: Double?
        @Flag(name: .customLong("is-default"), help: "Make this version the default.") var isDefault = false
        @Option(
            name: .customLong("is-control-version-type"),
            help: "true makes this version the control (the others become treatments); false a treatment.")
        var isControlVersionType: Bool?
        @Option(name: [.short, .customLong("model")], help: "The version's models, as name:version (repeatable).")
        var models: [String] = []
        @Option(name: .azure("ic", "inference-config-file"), help: "A new inferenceconfig.json.")
        var inferenceConfigFile: String?
        @Option(
            name: .azure("dc", "deploy-config-file"),
            help: "A deploymentconfig.json; the fields it sets replace the version's current ones.")
        var deployConfigFile: String?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            let changesCode = !models.isEmpty || inferenceConfigFile != nil || deployConfigFile != nil
            let changesTraffic = trafficPercentile != nil || isDefault || isControlVersionType != nil
            guard changesCode || changesTraffic else {
                throw ValidationError(
                    "Nothing to update: give -m, --ic, --dc, --traffic-percentile, --is-default or --is-control-version-type."
                )
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
            if changesTraffic {
                endpoint = try await client.updateEndpointVersion(
                    versionName, endpoint: name,
                    EndpointVersionUpdate(
                        trafficPercentile: trafficPercentile, isDefault: isDefault ? true : nil,
                        isControlVersionType: isControlVersionType))
            }
            if global.output == .json {
                let shown = if let endpoint { endpoint } else { try await client.endpoint(named: name) }
                return try Output.json(shown)
            }
            print("Updated version '\(versionName)' of endpoint '\(name)'.")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a version out of the split and delete it (not the default while others exist).")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .customLong("version-name")) var versionName: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let client = try global.client()
            for operation in try await client.deleteEndpointVersion(versionName, endpoint: name) {
                _ = try await client.waitForOperation(id: operation.id)
            }
            if global.output == .json { return try Output.json(["deleted": versionName]) }
            print("Deleted version '\(versionName)' of endpoint '\(name)'.")
        }
    }
}
