import BerthCore
import BerthTesting
import Foundation
import Testing

/// The settings Azure's articles name, through the real CLI against a real server with real
/// replicas: each does what Azure does, or is refused or warned about — none is dropped silently.
/// docs/compatibility.md lists them with these tests.
@Suite(.timeLimit(.minutes(5)))
struct AzureSettingsTests {
    static let primaryKey = "chosen-primary-key-0001"
    static let secondaryKey = "chosen-secondary-key-0002"

    /// A server with `computetarget create aks` and the `echo` fixture registered as `echo-model:1`.
    ///
    /// - Parameter environment: more environment variables for the server (and so its replicas),
    ///   given the workspace folder.
    static func withWorkspace(
        environment: (TemporaryDirectory) -> [String: String] = { _ in [:] },
        _ body: (TemporaryDirectory, URL) async throws -> Void
    ) async throws {
        let folder = try TemporaryDirectory("berth-settings")
        defer { folder.remove() }
        let home = folder.appending("home")
        try await BerthServer.withRunning(home: home, environment: environment(folder)) { _ in
            let model = try folder.write(Data("a tiny model\n".utf8), to: "model/model.txt")
            try await berth("model", "register", "-n", "echo-model", "-p", model.path, home: home)
            try await body(folder, home)
        }
    }

    static var echoInferenceConfig: String {
        TestPaths.corpus("echo").appendingPathComponent("inferenceconfig.json").path
    }

    @Test("create aks, -ic/-dc/-ct, computeTargetName, tags, properties, description and chosen keys")
    func spellingsAndServiceSettings() async throws {
        try await Self.withWorkspace { folder, home in
            let aks = try await berthJSON(
                ComputeTarget.self, "computetarget", "create", "aks", "-n", "myaks", home: home)
            #expect(aks.computeType == .local)
            #expect(aks.clusterPurpose == .fastProd)
            #expect(aks.capacity.agentCount == 3 && aks.capacity.agentVmSize == "Standard_D3_v2")
            #expect(aks.capacity.cores == 12)

            let config = try folder.write(
                Data(
                    """
                    {"computeType": "aks", "numReplicas": 1, "computeTargetName": "myaks",
                     "containerResourceRequirements": {"cpu": 0.1, "memoryInGB": 0.25},
                     "tags": {"team": "ml", "stage": "dev"}, "properties": {"owner": "ana"},
                     "description": "Echoes its input",
                     "keys": {"primaryKey": "\(Self.primaryKey)", "secondaryKey": "\(Self.secondaryKey)"}}
                    """.utf8), to: "deploymentconfig.json")
            let deploy = ["model", "deploy", "-m", "echo-model:1", "-ic", Self.echoInferenceConfig]

            // No --ct and no computeTargetName: refused before anything runs.
            try await berthFails(
                "model", "deploy", "-n", "nowhere", "-m", "echo-model:1", "-ic", Self.echoInferenceConfig, home: home,
                saying: "No compute target given: pass --ct NAME ('berth computetarget list' shows them) or set "
                    + "\"computeTargetName\" in deploymentconfig.json.")
            // -ct is --ct, and it wins over the file.
            let unknown = try await BerthCLI.run(
                deploy + ["-n", "elsewhere", "-dc", config.path, "-ct", "nosuch"], home: home)
            #expect(unknown.exitCode == 1, "\(unknown)")
            #expect(unknown.stderr.contains("Compute target 'nosuch' (from --ct) does not exist"), "\(unknown)")

            let deployed = try await berth(deploy + ["-n", "tagged-svc", "-dc", config.path], home: home)
            #expect(deployed.stdout.contains("Service 'tagged-svc' is Healthy."), "\(deployed)")
            let service = try await berthJSON(Webservice.self, "service", "show", "-n", "tagged-svc", home: home)
            #expect(service.computeName == "myaks")
            #expect(service.kvTags == ["team": "ml", "stage": "dev"])
            #expect(service.properties == ["owner": "ana"])
            #expect(service.description == "Echoes its input")
            let shown = try await berth("service", "show", "-n", "tagged-svc", home: home)
            #expect(shown.stdout.contains("stage=dev, team=ml"), "\(shown)")
            #expect(shown.stdout.contains("Echoes its input"), "\(shown)")

            let keys = try await berthJSON(ServiceKeys.self, "service", "get-keys", "-n", "tagged-svc", home: home)
            #expect(keys == ServiceKeys(primaryKey: Self.primaryKey, secondaryKey: Self.secondaryKey))
            let uri = try #require(service.scoringUri)
            for key in [Self.primaryKey, Self.secondaryKey] {
                let scored = try await TestHTTP.post(
                    uri, #"{"n": 1}"#,
                    headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(key)")])
                #expect(scored.status == 200, "\(scored.text)")
            }

            // Azure's -o tsv: values only, one line per resource, keys in sorted order.
            let tsv = try await berth("service", "list", "--tag", "team", "-o", "tsv", home: home)
            let rows = tsv.stdout.split(separator: "\n")
            try #require(rows.count == 1, "\(tsv)")
            #expect(rows[0].split(separator: "\t", omittingEmptySubsequences: false).contains("tagged-svc"), "\(tsv)")
            let cluster = try await berth("computetarget", "show", "-n", "myaks", "-o", "tsv", home: home)
            let fields = cluster.stdout.dropLast().split(separator: "\t", omittingEmptySubsequences: false)
            #expect(
                fields.contains("myaks") && fields.contains("FastProd") && fields.contains("Succeeded"), "\(cluster)")
            #expect(!cluster.stdout.dropLast().contains("\n"), "\(cluster)")
            #expect(try await Self.listed(home, "--tag", "team") == ["tagged-svc"])
            #expect(try await Self.listed(home, "--tag", "team=ml", "--tag", "stage=dev") == ["tagged-svc"])
            #expect(try await Self.listed(home, "--tag", "team=other").isEmpty)
            #expect(try await Self.listed(home, "--property", "owner=ana") == ["tagged-svc"])

            let updated = try await berth(
                "service", "update", "-n", "tagged-svc", "--add-tag", "stage=prod", "--remove-tag", "team",
                "--add-property", "reviewed=yes", "-d", "Echoes requests", home: home)
            #expect(updated.stdout.contains("Applied without restarting replicas"), "\(updated)")
            var after = try await berthJSON(Webservice.self, "service", "show", "-n", "tagged-svc", home: home)
            #expect(after.kvTags == ["stage": "prod"])
            #expect(after.properties == ["owner": "ana", "reviewed": "yes"])
            #expect(after.description == "Echoes requests")
            #expect(try await Self.listed(home, "--tag", "team").isEmpty)

            let partial = try folder.write(Data(#"{"tags": {"only": "this"}}"#.utf8), to: "partial.json")
            try await berth("service", "update", "-n", "tagged-svc", "-dc", partial.path, home: home)
            after = try await berthJSON(Webservice.self, "service", "show", "-n", "tagged-svc", home: home)
            #expect(after.kvTags == ["only": "this"])

            let initLogs = try await berth("service", "get-logs", "-n", "tagged-svc", "--init", home: home)
            #expect(initLogs.stdout.contains("(DeployService, Succeeded) <=="), "\(initLogs)")
            #expect(initLogs.stdout.contains("Packaged 3 files"), "\(initLogs)")
            #expect(initLogs.stdout.contains("Environment "), "\(initLogs)")
            #expect(initLogs.stdout.contains("(UpdateService, Succeeded) <=="), "\(initLogs)")
            #expect(initLogs.stdout.contains("==> tagged-svc-0 <=="), "\(initLogs)")
            #expect(initLogs.stdout.contains("worker-0 started"), "\(initLogs)")
            #expect(initLogs.stdout.contains("ready: init() succeeded"), "\(initLogs)")
            #expect(!initLogs.stdout.contains(Self.primaryKey))
        }
    }

    @Test("eventHubEnabled and a weak key are refused naming the field; image and conda settings warn")
    func refusalsAndWarnings() async throws {
        try await Self.withWorkspace { folder, home in
            try await berth(
                "computetarget", "create", "local", "-n", "mylocal", "--cluster-purpose", "DevTest", "--cores", "2",
                "--memory-gb", "4", home: home)
            let deploy = ["model", "deploy", "-m", "echo-model:1", "--ct", "mylocal"]

            let eventHub = try folder.write(
                Data(
                    #"{"computeType": "aks", "dataCollection": {"storageEnabled": true, "eventHubEnabled": true}}"#.utf8
                ),
                to: "eventhub.json")
            let refused = try await BerthCLI.run(
                deploy + ["-n", "hub-svc", "--ic", Self.echoInferenceConfig, "--dc", eventHub.path], home: home)
            #expect(refused.exitCode == 1, "\(refused)")
            #expect(
                refused.stderr.contains(
                    "dataCollection.eventHubEnabled is true, but Berth has no Event Hub to send model data to"),
                "\(refused)")
            #expect(refused.stderr.contains("\"storageEnabled\": true"), "\(refused)")

            let weak = try folder.write(
                Data(#"{"computeType": "aks", "keys": {"secondaryKey": "tooshort"}}"#.utf8), to: "weak.json")
            let weakKey = try await BerthCLI.run(
                deploy + ["-n", "weak-svc", "--ic", Self.echoInferenceConfig, "--dc", weak.path], home: home)
            #expect(weakKey.exitCode == 1, "\(weakKey)")
            #expect(
                weakKey.stderr.contains("keys.secondaryKey must be at least 16 characters without spaces"),
                "\(weakKey)")
            #expect(!weakKey.stderr.contains("tooshort"))

            // The echo script with an image, Dockerfile steps and a conda file Berth cannot fully honour.
            let source = folder.appending("image-settings")
            try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                at: TestPaths.corpus("echo").appendingPathComponent("score.py"),
                to: source.appendingPathComponent("score.py"))
            try Data("RUN apt-get install -y libgomp1\n".utf8).write(
                to: source.appendingPathComponent("steps.dockerfile"))
            try Data("channels:\n  - conda-forge\ndependencies:\n  - pip\n".utf8)
                .write(to: source.appendingPathComponent("environment.yml"))
            let inference = source.appendingPathComponent("inferenceconfig.json")
            try Data(
                #"""
                {"entryScript": "score.py", "sourceDirectory": ".", "condaFile": "environment.yml",
                 "baseImage": "mcr.microsoft.com/azureml/base:latest", "extraDockerfileSteps": "steps.dockerfile"}
                """#.utf8
            ).write(to: inference)
            let config = try folder.write(Data(#"{"computeType": "aks", "numReplicas": 1}"#.utf8), to: "one.json")
            let warned = try await berth(
                deploy + ["-n", "image-svc", "--ic", inference.path, "--dc", config.path], home: home)
            let expected = [
                "inferenceconfig.json: baseImage 'mcr.microsoft.com/azureml/base:latest' is not used: Berth builds no image",
                "inferenceconfig.json: extraDockerfileSteps 'steps.dockerfile' are not run: Berth builds no image",
                "condaFile 'environment.yml': conda channels 'conda-forge' are not used",
            ]
            for warning in expected {
                #expect(warned.stdout.contains("Warning: \(warning)"), "\(warned)")
            }
            #expect(warned.stdout.contains("Service 'image-svc' is Healthy."), "\(warned)")
            let initLogs = try await berth("service", "get-logs", "-n", "image-svc", "--init", home: home)
            for warning in expected {
                #expect(initLogs.stdout.contains("Warning: \(warning)"), "\(initLogs)")
            }
        }
    }

    static func listed(_ home: URL, _ filters: String...) async throws -> [String] {
        let result = try await BerthCLI.run(["service", "list", "-o", "json"] + filters, home: home)
        try #require(result.succeeded, "\(result)")
        return try result.json([Webservice].self).map(\.name)
    }
}
