import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth endpoint version create|update|delete` (Azure's `create-version`, `update-version`,
/// `delete-version`, which `berth endpoint realtime` also spells as Azure does).
struct EndpointVersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Add, re-weight or remove an endpoint's versions.",
        subcommands: [Create.self, Update.self, Delete.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deploy a new version behind an endpoint.")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @OptionGroup var version: EndpointVersionOptions
        @Option(name: [.short, .long], help: "A description of the version.") var description: String?
        @Flag(name: .customLong("no-wait"), help: "Return once the deploy started.") var noWait = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.createVersion(
                endpoint: name, version: version, description: description, noWait: noWait, global: global)
        }

        static func createVersion(
            endpoint name: String, version: EndpointVersionOptions, description: String?, noWait: Bool,
            global: GlobalOptions
        ) async throws {
            let client = try global.client()
            var request = try version.request()
            request.description = description
            let operation = try await client.createEndpointVersion(request, endpoint: name)
            try await finishVersionDeploy(operation, client: client, endpoint: name, noWait: noWait, global: global)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Change a version: its models, inference or deployment config (a rolling update), traffic, roles, "
                + "description or tags.",
            discussion: """
                Traffic, role, description and tag changes apply at once, without restarting replicas. New \
                models, a new inference config or a deployment config roll the version's replicas as 'berth \
                service update' does: the new ones serve only once ready, and an update whose replicas never get \
                ready is rolled back.
                """)
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .azure("vn", "version-name")) var versionName: String
        @Option(name: .azure("tp", "traffic-percentile"), help: "The version's share of traffic, 0–100.")
        var trafficPercentile: Double?
        @Flag(name: .customLong("is-default"), help: "Make this version the default.") var isDefault = false
        @Option(
            name: .customLong("is-control-version-type"),
            help: "true makes this version the control (the others become treatments); false a treatment.")
        var isControlVersionType: Bool?
        @OptionGroup var changes: EndpointVersionChanges
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await changes.apply(
                endpoint: name, version: versionName,
                EndpointVersionUpdate(
                    trafficPercentile: trafficPercentile, isDefault: isDefault ? true : nil,
                    isControlVersionType: isControlVersionType), global: global)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a version out of the split and delete it (not the default while others exist).")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .azure("vn", "version-name")) var versionName: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await Self.deleteVersion(endpoint: name, version: versionName, global: global)
        }

        static func deleteVersion(endpoint name: String, version versionName: String, global: GlobalOptions)
            async throws
        {
            let client = try global.client()
            for operation in try await client.deleteEndpointVersion(versionName, endpoint: name) {
                _ = try await client.waitForOperation(id: operation.id)
            }
            if global.output.isStructured { return try Output.structured(global.output, ["deleted": versionName]) }
            print("Deleted version '\(versionName)' of endpoint '\(name)'.")
        }
    }
}
