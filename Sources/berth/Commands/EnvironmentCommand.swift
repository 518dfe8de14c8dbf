import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth environment list|prune`: the Python environments deploys built, which services run
/// them, and removing the ones nothing runs any more.
struct EnvironmentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environment",
        abstract: "List and prune the cached Python environments of deployments.",
        subcommands: [List.self, Prune.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cached environments (this workspace's and the machine-wide cache).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let environments = try await global.client().environments()
            if global.output.isStructured { return try Output.structured(global.output, environments) }
            EnvironmentCommand.print(environments)
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove cached environments no service runs.",
            discussion: """
                This workspace's entries go once no service runs them (and no deploy used them in the last \
                hour); the machine-wide cache's go once unused for --older-than-days (default 30). Another \
                workspace still linking to a removed machine-wide environment builds it again at its next deploy.
                """)
        @Option(name: .customLong("older-than-days"), help: "Days without use before a machine-wide environment goes.")
        var olderThanDays: Int?
        @Flag(name: .customLong("dry-run"), help: "List what would go without removing anything.")
        var dryRun = false
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if let olderThanDays, olderThanDays < 0 {
                throw ValidationError("--older-than-days must be 0 or more, got \(olderThanDays).")
            }
        }

        func run() async throws {
            let result = try await global.client().pruneEnvironments(
                PruneEnvironmentsRequest(olderThanDays: olderThanDays, dryRun: dryRun))
            if global.output.isStructured { return try Output.structured(global.output, result) }
            if result.removed.isEmpty {
                Swift.print("Nothing to remove: every cached environment is in use or was used recently.")
                return
            }
            EnvironmentCommand.print(result.removed)
            Swift.print(
                (result.dryRun ? "Would free " : "Freed ") + Output.bytes(result.freedBytes) + " ("
                    + "\(result.removed.count) environment\(result.removed.count == 1 ? "" : "s")"
                    + (result.dryRun ? "; run without --dry-run to remove them)." : ")."))
        }
    }

    static func print(_ environments: [CachedEnvironment]) {
        Output.table(
            ["HASH", "CACHE", "SIZE", "LAST USED", "SERVICES", "PATH"],
            environments.map {
                [
                    String($0.hash.prefix(12)), $0.location.rawValue,
                    $0.sizeBytes == 0 ? "(link)" : Output.bytes($0.sizeBytes),
                    Output.date($0.lastUsed), $0.services.isEmpty ? "-" : $0.services.joined(separator: ","), $0.path,
                ]
            })
    }
}
