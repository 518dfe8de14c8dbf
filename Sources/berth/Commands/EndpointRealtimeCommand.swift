import ArgumentParser
import BerthCore

/// `berth endpoint realtime create-version|update-version|delete-version`: Azure's
/// `az ml endpoint realtime` spellings of `berth endpoint version create|update|delete`, so the
/// articles' lines run with only `az ml` replaced by `berth`.
struct EndpointRealtimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "realtime",
        abstract: "Azure's spellings of 'berth endpoint version create|update|delete'.",
        discussion: """
            Example: berth endpoint realtime update-version -n myendpoint --vn versionb --tp 40 --is-default --cvt
            """,
        subcommands: [CreateVersion.self, UpdateVersion.self, DeleteVersion.self])

    struct CreateVersion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create-version", abstract: "Deploy a new version behind an endpoint.")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @OptionGroup var version: EndpointVersionOptions
        @Option(name: [.short, .long], help: "A description of the version.") var description: String?
        @Flag(name: .customLong("no-wait"), help: "Return once the deploy started.") var noWait = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await EndpointVersionCommand.Create.createVersion(
                endpoint: name, version: version, description: description, noWait: noWait, global: global)
        }
    }

    struct UpdateVersion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update-version",
            abstract: "Change a version's traffic, roles, description, tags, or code (a rolling update).")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .azure("vn", "version-name")) var versionName: String
        @Option(name: .azure("tp", "traffic-percentile"), help: "The version's share of traffic, 0–100.")
        var trafficPercentile: Double?
        @Flag(name: .customLong("is-default"), help: "Make this version the default.") var isDefault = false
        @Flag(
            name: .azure("cvt", "is-control-version-type"),
            help: "Make this version the control (the others become treatments).")
        var isControlVersionType = false
        @OptionGroup var changes: EndpointVersionChanges
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await changes.apply(
                endpoint: name, version: versionName,
                EndpointVersionUpdate(
                    trafficPercentile: trafficPercentile, isDefault: isDefault ? true : nil,
                    isControlVersionType: isControlVersionType ? true : nil), global: global)
        }
    }

    struct DeleteVersion: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-version",
            abstract: "Take a version out of the split and delete it (not the default while others exist).")
        @Option(name: [.short, .long], help: "The endpoint.") var name: String
        @Option(name: .azure("vn", "version-name")) var versionName: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await EndpointVersionCommand.Delete.deleteVersion(endpoint: name, version: versionName, global: global)
        }
    }
}
