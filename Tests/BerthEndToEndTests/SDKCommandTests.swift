import BerthClient
import BerthCore
import BerthTesting
import Foundation
import Testing

/// `berth sdk env` and `berth sdk config` against a real server: what a shell gets from
/// `eval "$(berth sdk env)"`, and Azure's `.azureml/config.json`.
struct SDKCommandTests {
    @Test("eval \"$(berth sdk env)\" sets the SDK's variables with a working token", .timeLimit(.minutes(3)))
    func env() async throws {
        let folder = try TemporaryDirectory("berth-e2e-sdk")
        defer { folder.remove() }
        let home = folder.appending("home")
        try await BerthServer.withRunning(home: home) { server in
            let result = try await berth("sdk", "env", "--hours", "2", home: home)
            #expect(!result.stderr.contains("HTTPS_PROXY is not set"), "\(result)")
            let script = folder.appending("env.sh")
            try Data(result.stdout.utf8).write(to: script)

            let names = [
                "ARM_CLOUD_METADATA_URL", "AZUREML_CURRENT_CLOUD", "HTTPS_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE",
                "AZUREML_LOG_DEPRECATION_WARNING_ENABLED", "BERTH_SDK_TOKEN", "BERTH_SUBSCRIPTION_ID",
                "BERTH_RESOURCE_GROUP", "BERTH_WORKSPACE_NAME",
            ]
            let values = try await Self.evaluate(script, names: names, in: folder)
            let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: server.layout)
            let host = try #require(URLComponents(string: server.baseURL)?.host)
            #expect(values["ARM_CLOUD_METADATA_URL"] == server.baseURL + "/metadata/endpoints?api-version=2019-05-01")
            #expect(values["AZUREML_CURRENT_CLOUD"] == identity.cloudName)
            // Model uploads go through the server's own proxy, whose CA the bundle holds.
            #expect(values["HTTPS_PROXY"] != nil && values["HTTPS_PROXY"] == server.info.sdkProxyURL)
            #expect(values["NO_PROXY"]?.split(separator: ",").first.map(String.init) == host)
            #expect(values["AZUREML_LOG_DEPRECATION_WARNING_ENABLED"] == "False")
            #expect(values["BERTH_SUBSCRIPTION_ID"] == identity.subscriptionId)
            #expect(values["BERTH_RESOURCE_GROUP"] == identity.resourceGroup)
            #expect(values["BERTH_WORKSPACE_NAME"] == identity.workspaceName)

            let bundle = try #require(values["REQUESTS_CA_BUNDLE"])
            #expect(bundle == SDKCABundle.url(in: server.layout).path)
            let workspaceCA = try String(
                contentsOf: server.layout.root.appendingPathComponent("tls/ca.pem"), encoding: .utf8)
            #expect(
                try String(contentsOfFile: bundle, encoding: .utf8).contains(
                    workspaceCA.trimmingCharacters(in: .whitespacesAndNewlines)))

            let token = try #require(values["BERTH_SDK_TOKEN"])
            let models = try await TestHTTP.get(
                server.baseURL + "/api/v1/models", headers: [("Authorization", "Bearer \(token)")])
            #expect(models.status == 200)
            #expect(!server.log.contains(token))
        }
    }

    @Test("berth sdk env refuses --hours outside 1–168 before calling the server")
    func hoursOutOfRange() async throws {
        let folder = try TemporaryDirectory("berth-e2e-sdk")
        defer { folder.remove() }
        for hours in ["0", "169"] {
            try await berthFails(
                "sdk", "env", "--hours", hours, home: folder.url, exitCode: 64, saying: "must be from 1 to 168")
        }
    }

    @Test("berth sdk config writes Azure's .azureml/config.json", .timeLimit(.minutes(3)))
    func config() async throws {
        let folder = try TemporaryDirectory("berth-e2e-sdk")
        defer { folder.remove() }
        let home = folder.appending("home")
        try await BerthServer.withRunning(home: home) { server in
            let project = folder.appending("project with space")
            let result = try await berth("sdk", "config", "-p", project.path, home: home)
            let file = project.appendingPathComponent(".azureml/config.json")
            #expect(result.stdout.contains(file.path), "\(result)")
            let written = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: String]
            let identity = try AzureWorkspaceIdentity.loadOrCreate(layout: server.layout)
            #expect(
                written == [
                    "subscription_id": identity.subscriptionId, "resource_group": identity.resourceGroup,
                    "workspace_name": identity.workspaceName,
                ])
        }
    }

    @Test(
        "With an upload proxy both proxy variables name it, and NO_PROXY keeps both servers and the user's hosts off it"
    )
    func proxyVariables() throws {
        var server = ServerInfo(controlPlaneURL: "https://cp.example:8890/", routerURL: "http://[::1]:8080", pid: 1)
        server.sdkProxyURL = "http://127.0.0.1:41234"
        let token = AccessToken(accessToken: "header.claims.signature", expiryOn: Date(), refreshAfter: Date())
        let sdk = SDKEnvironment(
            server: server, credentials: SDKCredentials(token: token, identity: AzureWorkspaceIdentity()),
            caBundle: URL(fileURLWithPath: "/b/ca-bundle.pem"),
            inherited: ["no_proxy": "corp.example, cp.example", "NO_PROXY": "other.example"])
        let values = Dictionary(sdk.variables.map { ($0.name, $0.value) }) { $1 }
        #expect(sdk.warnings.isEmpty)
        #expect(values["HTTPS_PROXY"] == "http://127.0.0.1:41234" && values["https_proxy"] == values["HTTPS_PROXY"])
        #expect(values["NO_PROXY"] == "cp.example,::1,corp.example,other.example")
        #expect(values["no_proxy"] == values["NO_PROXY"])
        #expect(values["ARM_CLOUD_METADATA_URL"] == "https://cp.example:8890/metadata/endpoints?api-version=2019-05-01")
        #expect(!sdk.summary.contains("signature"))
    }

    @Test("Quoted values come back unchanged from a POSIX shell, whatever they hold")
    func shellQuoting() async throws {
        let folder = try TemporaryDirectory("berth-e2e-sdk")
        defer { folder.remove() }
        let tricky = #"it's $HOME `id` "quoted" \ back; slash'"#
        let script = folder.appending("quoted.sh")
        try Data("export BERTH_TRICKY=\(SDKEnvironment.shellQuoted(tricky))\n".utf8).write(to: script)
        #expect(try await Self.evaluate(script, names: ["BERTH_TRICKY"], in: folder)["BERTH_TRICKY"] == tricky)
    }

    /// Runs `eval "$(cat script)"` in `/bin/sh` and reads back the variables `names`.
    static func evaluate(_ script: URL, names: [String], in folder: TemporaryDirectory) async throws -> [String: String]
    {
        let printer = names.map { #"printf '%s\0' "$\#($0)""# }.joined(separator: "; ")
        let shell = try ChildProcess(
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", #"eval "$(cat "$1")"; "# + printer, "sh", script.path],
            stdoutFile: folder.appending("sh.out"), stderrFile: folder.appending("sh.err"))
        let exit = await shell.waitForExit(timeout: .seconds(30))
        #expect(exit?.code == 0, "\(shell.stderr)")
        let values = shell.stdout.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        return Dictionary(uniqueKeysWithValues: zip(names, values))
    }
}
