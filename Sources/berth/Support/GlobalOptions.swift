import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// Options every client verb shares: which workspace, and how to print.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The workspace folder (default: $BERTH_HOME, else ~/.berth).")
    var home: String?

    @Option(
        name: [.short, .long],
        help: "Output format: table (default), json (stable, for scripts) or tsv (Azure's -o tsv: values only).")
    var output: OutputFormat = .table

    var workspace: WorkspaceLayout {
        if let home { return WorkspaceLayout(root: URL(fileURLWithPath: home, isDirectory: true).standardizedFileURL) }
        return .fromEnvironment()
    }

    /// A client of the server running on the workspace.
    func client() throws -> ControlPlaneClient {
        try ControlPlaneClient.forWorkspace(workspace)
    }
}

/// `-o/--output`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    /// Azure CLI's `-o tsv`: the JSON result's values, tab-separated, one line per resource.
    case tsv

    /// Whether the result is printed for scripts (the JSON document, or its values as TSV), with
    /// no progress lines around it.
    var isStructured: Bool { self != .table }
}

/// Parses repeated `key=value` flags (`--tag`, `--property`) with Azure's message for a bad one.
func parseKeyValues(_ items: [String], kind: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for item in items {
        guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
            throw ValidationError("Error, \(kind) must be entered in the following format: key=value (got '\(item)').")
        }
        result[String(item[..<equals])] = String(item[item.index(after: equals)...])
    }
    return result
}
