import ArgumentParser
import BerthClient
import BerthCore
import Foundation

/// `berth sdk …`: points Azure ML's v1 Python SDK (`azureml-core`, unmodified) at this workspace.
struct SDKCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdk",
        abstract: "Point Azure ML's Python SDK (azureml-core) at this workspace.",
        discussion: """
            In the shell that starts Python: eval "$(berth sdk env)", then 'berth sdk config' in the project \
            folder, then in Python: Workspace.from_config(auth=BerthAuthentication()) (pip install \
            ./python/berth-azureml for the berth_azureml module).
            """,
        subcommands: [Env.self, Config.self])

    /// `berth sdk env [--hours N]`: the variables to `eval`, with a new SDK token.
    struct Env: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "env",
            abstract: "Print 'export' lines for the SDK (use: eval \"$(berth sdk env)\"), with a new SDK token.",
            discussion: """
                Sets ARM_CLOUD_METADATA_URL, AZUREML_CURRENT_CLOUD, HTTPS_PROXY (when the server has an upload \
                proxy), NO_PROXY, REQUESTS_CA_BUNDLE (the system CAs plus the workspace CA, written to \
                $BERTH_HOME/sdk/ca-bundle.pem), AZUREML_LOG_DEPRECATION_WARNING_ENABLED, BERTH_SDK_TOKEN, \
                BERTH_SUBSCRIPTION_ID, BERTH_RESOURCE_GROUP and BERTH_WORKSPACE_NAME. The SDK reads them when \
                azureml.core is imported, so run it before starting Python. The token opens the whole admin API \
                until it expires: keep it out of notebooks and logs. With -o json, prints the variables as one \
                JSON object instead.
                """)

        @Option(name: .long, help: "How long the SDK token lasts, in hours (1–168).")
        var hours: Int = SDKTokenRequest.defaultHours
        @OptionGroup var global: GlobalOptions

        func validate() throws {
            let allowed = SDKTokenRequest.allowedHours
            guard allowed.contains(hours) else {
                throw ValidationError("--hours (\(hours)) must be from \(allowed.lowerBound) to \(allowed.upperBound).")
            }
        }

        func run() async throws {
            let layout = global.workspace
            let credentials = try await global.client().sdkToken(hours: hours)
            let server = try ControlPlaneClient.serverInfo(of: layout)
            let environment = ProcessInfo.processInfo.environment
            let bundle = try SDKCABundle.write(layout: layout, server: server, environment: environment)
            let sdk = SDKEnvironment(
                server: server, credentials: credentials, caBundle: bundle.url, inherited: environment)
            // Warnings go to standard error: eval reads standard output only.
            for warning in bundle.warnings + sdk.warnings {
                FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
            }
            if global.output.isStructured {
                return try Output.structured(
                    global.output, Dictionary(sdk.variables.map { ($0.name, $0.value) }) { $1 })
            }
            print(sdk.script, terminator: "")
        }
    }

    /// `berth sdk config [-p DIR]`: Azure's `.azureml/config.json`, for `Workspace.from_config()`.
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Write DIR/.azureml/config.json so that the SDK's Workspace.from_config() finds this workspace.")

        @Option(
            name: [.short, .long],
            help: "The folder to write .azureml/config.json under (default: the current folder).")
        var path: String = "."
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let identity = try await global.client().sdkWorkspace()
            let folder = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
            let file = try AzureMLConfigFile.write(identity, under: folder)
            if global.output.isStructured { return try Output.structured(global.output, ["configFile": file.path]) }
            print(
                "Wrote \(file.path) (workspace '\(identity.workspaceName)'). Workspace.from_config() finds it "
                    + "from \(folder.path) and the folders below it.")
        }
    }
}
