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
            abstract: "Change a version's traffic percentile or roles; the router splits by it at once.")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .customLong("version-name")) var versionName: String
        @Option(name: .customLong("traffic-percentile"), help: "The version's share of traffic, 0–100.")
        var trafficPercentile: Double?
        @Flag(name: .customLong("is-default"), help: "Make this version the default.") var isDefault = false
        @Option(
            name: .customLong("is-control-version-type"),
            help: "true makes this version the control (the others become treatments); false a treatment.")
        var isControlVersionType: Bool?
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let endpoint = try await global.client().updateEndpointVersion(
                versionName, endpoint: name,
                EndpointVersionUpdate(
                    trafficPercentile: trafficPercentile, isDefault: isDefault ? true : nil,
                    isControlVersionType: isControlVersionType))
            if global.output == .json { return try Output.json(endpoint) }
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
