import BerthCore
import BerthTesting
import Foundation
import Testing

/// The CLI against a real `berth server` process on an OS-chosen port: compute targets, models,
/// and a `kill -9` plus restart that loses nothing.
struct CLIRoundTripTests {
    @Test(.timeLimit(.minutes(5)))
    func computeTargets() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)

        let prod = try await berthJSON(
            ComputeTarget.self, "computetarget", "create", "local", "-n", "prod-1", home: home
        )
        #expect(prod.name == "prod-1")
        #expect(prod.computeType == .local)
        #expect(prod.clusterPurpose == .fastProd)
        #expect(prod.provisioningState == .succeeded)
        #expect(
            prod.capacity == ClusterCapacity(agentCount: 3, agentVmSize: "Standard_D3_v2", cores: 12, memoryInGB: 42)
        )
        #expect((prod.machineCores ?? 0) > 0)

        let dev = try await berthJSON(
            ComputeTarget.self,
            "computetarget", "create", "local", "-n", "dev-1", "--cluster-purpose", "DevTest",
            "--agent-count", "1", "--vm-size", "Standard_B2s",
            home: home
        )
        #expect(dev.clusterPurpose == .devTest)
        #expect(dev.capacity.cores == 2)

        let direct = try await berthJSON(
            ComputeTarget.self,
            "computetarget", "create", "local", "-n", "big-1", "--cores", "64", "--memory-gb", "256",
            home: home
        )
        #expect(direct.capacity == ClusterCapacity(cores: 64, memoryInGB: 256))

        try await berthFails(
            "computetarget", "create", "local", "-n", "small-1", "--agent-count", "2",
            home: home,
            saying: "A FastProd cluster needs at least 12 vCPUs in total; this one would have 8. Use --agent-count 3"
        )
        try await berthFails(
            "computetarget", "create", "local", "-n", "tiny-1", "--cluster-purpose", "DevTest", "--cores", "1",
            "--memory-gb", "2",
            home: home,
            saying: "A DevTest cluster needs at least 2 vCPUs in total; this one would have 1. Use --cores 2 or more."
        )
        try await berthFails(
            "computetarget", "create", "local", "-n", "prod-1",
            home: home,
            saying: "A compute target named 'prod-1' already exists"
        )
        try await berthFails(
            "computetarget", "create", "local", "-n", "1-bad",
            home: home,
            saying: "Error, provided compute target name is invalid."
        )

        let listed = try await berthJSON([ComputeTarget].self, "computetarget", "list", home: home)
        #expect(listed.map(\.name) == ["big-1", "dev-1", "prod-1"])
        let table = try await berth("computetarget", "list", home: home)
        #expect(table.stdout.contains("NAME"))
        #expect(table.stdout.contains("prod-1"))
        #expect(table.stdout.contains("12 vCPU / 42 GB"))

        let shown = try await berthJSON(ComputeTarget.self, "computetarget", "show", "-n", "dev-1", home: home)
        #expect(shown == dev)

        let deleted = try await berthJSON([String: String].self, "computetarget", "delete", "-n", "dev-1", home: home)
        #expect(deleted == ["name": "dev-1", "provisioningState": "Deleted"])
        let detached = try await berth("computetarget", "detach", "-n", "big-1", home: home)
        #expect(detached.stdout.contains("Detached compute target 'big-1'."))
        try await berthFails(
            "computetarget", "show", "-n", "dev-1",
            home: home,
            saying: "Compute target 'dev-1' does not exist in this workspace."
        )
        try await berthFails(
            "computetarget", "delete", "-n", "dev-1",
            home: home,
            saying: "Compute target 'dev-1' does not exist in this workspace."
        )
        try await berthFails(
            "computetarget", "attach", "kubernetes", "-n", "aks-1", "--kubeconfig", "/dev/null",
            home: home,
            saying: "The kubeconfig file /dev/null"
        )
        let remaining = try await berthJSON([ComputeTarget].self, "computetarget", "list", home: home)
        #expect(remaining.map(\.name) == ["prod-1"])
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)))
    func modelsSurviveAKilledServer() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        var server = try await BerthServer.start(home: home)

        let fileBytes = randomBytes(1_500_000)
        let modelFile = try folder.write(fileBytes, to: "src/model.pkl")
        let folderContents: [String: Data] = [
            "a.txt": Data("alpha\n".utf8),
            "sub/b.bin": randomBytes(70_000),
            "sub/deeper/c.json": Data(#"{"c": 3}"#.utf8),
        ]
        for (path, data) in folderContents { try folder.write(data, to: "src/folder/\(path)") }
        let modelFolder = folder.appending("src/folder")

        let first = try await berthJSON(
            Model.self,
            "model", "register", "-n", "sk-model", "-p", modelFile.path, "--tag", "stage=dev", "--tag", "team=a",
            "-d", "first", "--property", "framework=sklearn",
            home: home
        )
        #expect(first.id == "sk-model:1")
        #expect(first.kvTags == ["stage": "dev", "team": "a"])
        #expect(first.properties == ["framework": "sklearn"])
        #expect(first.description == "first")
        #expect(!first.isFolder)
        #expect(first.files.map(\.path) == ["model.pkl"])
        #expect(first.sizeBytes == Int64(fileBytes.count))

        let second = try await berthJSON(
            Model.self, "model", "register", "-n", "sk-model", "-p", modelFile.path, "--tag", "stage=prod", home: home
        )
        #expect(second.version == 2)
        #expect(second.files == first.files)

        let folderModel = try await berthJSON(
            Model.self, "model", "register", "-n", "folder.model", "--model-path", modelFolder.path, home: home
        )
        #expect(folderModel.id == "folder.model:1")
        #expect(folderModel.isFolder)
        #expect(folderModel.files.map(\.path) == folderContents.keys.sorted())

        try await berthFails(
            "model", "register", "-n", "bad name", "-p", modelFile.path,
            home: home,
            saying: "Error, provided model name is invalid."
        )
        try await berthFails(
            "model", "register", "-n", "sk-model", "-p", folder.appending("missing").path,
            home: home,
            exitCode: 64,
            saying: "--model-path '\(folder.appending("missing").path)' does not exist."
        )

        #expect(try await Self.listedIDs(home) == ["folder.model:1", "sk-model:2", "sk-model:1"])
        #expect(try await Self.listedIDs(home, "-n", "sk-model") == ["sk-model:2", "sk-model:1"])
        #expect(try await Self.listedIDs(home, "--tag", "stage=prod") == ["sk-model:2"])
        #expect(try await Self.listedIDs(home, "--tag", "team") == ["sk-model:1"])
        #expect(try await Self.listedIDs(home, "-n", "nothing").isEmpty)
        let table = try await berth("model", "list", home: home)
        #expect(table.stdout.contains("sk-model"))
        #expect(table.stdout.contains("stage=dev,team=a"))

        let shownFirst = try await berthJSON(Model.self, "model", "show", "-i", "sk-model:1", home: home)
        #expect(shownFirst == first, "\(shownFirst) ≠ \(first)")
        let latest = try await berthJSON(Model.self, "model", "show", "-n", "sk-model", home: home)
        #expect(latest == second, "\(latest) ≠ \(second)")
        let byVersion = try await berthJSON(Model.self, "model", "show", "-n", "sk-model", "--version", "1", home: home)
        #expect(byVersion == first, "\(byVersion) ≠ \(first)")
        let shownTable = try await berth("model", "show", "-i", "folder.model:1", home: home)
        #expect(shownTable.stdout.contains("sub/deeper/c.json"))

        try await Self.expectDownload("sk-model:1", equals: ["model.pkl": fileBytes], folder: folder, home: home)
        try await Self.expectDownload("folder.model:1", equals: folderContents, folder: folder, home: home)

        let target = folder.appending("download-again")
        try await berth("model", "download", "-i", "sk-model:1", "-t", target.path, home: home)
        try await berthFails(
            "model", "download", "-i", "sk-model:1", "-t", target.path,
            home: home,
            exitCode: 64,
            saying: "already exists; pass --overwrite"
        )
        try await berth("model", "download", "-i", "sk-model:1", "-t", target.path, "--overwrite", home: home)
        #expect(try Data(contentsOf: target.appendingPathComponent("model.pkl")) == fileBytes)

        let deleted = try await berthJSON([String: String].self, "model", "delete", "-i", "sk-model:2", home: home)
        #expect(deleted == ["deleted": "sk-model:2"])
        try await berthFails(
            "model", "show", "-i", "sk-model:2",
            home: home,
            saying: "Model 'sk-model:2' does not exist in this workspace."
        )
        let third = try await berthJSON(
            Model.self, "model", "register", "-n", "sk-model", "-p", modelFile.path, home: home
        )
        #expect(third.version == 3)

        // A crash: no graceful shutdown, server.json left behind pointing at a dead port.
        await server.kill9()
        try await berthFails(
            "model", "list",
            home: home,
            saying: "(pid \(server.process.pid) in server.json) is not running; it may have crashed. Start it again"
        )
        server = try await BerthServer.start(home: home)

        #expect(try await Self.listedIDs(home) == ["folder.model:1", "sk-model:3", "sk-model:1"])
        #expect(try await berthJSON(Model.self, "model", "show", "-i", "sk-model:1", home: home) == first)
        try await Self.expectDownload("folder.model:1", equals: folderContents, folder: folder, home: home)
        try await Self.expectDownload("sk-model:3", equals: ["model.pkl": fileBytes], folder: folder, home: home)
        let fourth = try await berthJSON(
            Model.self, "model", "register", "-n", "sk-model", "-p", modelFile.path, home: home
        )
        #expect(fourth.version == 4)
        await server.stop()
    }

    @Test(.timeLimit(.minutes(5)))
    func computeTargetsSurviveAKilledServer() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        var server = try await BerthServer.start(home: home)
        let created = try await berthJSON(
            ComputeTarget.self, "computetarget", "create", "local", "-n", "prod-1", home: home
        )
        await server.kill9()
        server = try await BerthServer.start(home: home)
        #expect(try await berthJSON([ComputeTarget].self, "computetarget", "list", home: home) == [created])
        await server.stop()
    }

    @Test(.timeLimit(.minutes(2)))
    func noServerGivesAnActionableMessage() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        try await berthFails(
            "model", "list",
            home: folder.url,
            saying: "No Berth server runs on the workspace '\(folder.url.path)'. Start one with 'berth server &'"
        )
    }

    @Test(.timeLimit(.minutes(2)))
    func aRouterNeedsAtLeastOneThread() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        try await berthFails(
            "router", "--routes", folder.appending("routes.json").path, "--max-threads", "0",
            home: folder.url, exitCode: 64, saying: "--max-threads (0) must be at least 1."
        )
    }

    static func listedIDs(_ home: URL, _ arguments: String...) async throws -> [String] {
        let result = try await BerthCLI.run(["model", "list", "-o", "json"] + arguments, home: home)
        try #require(result.succeeded, "\(result)")
        return try result.json([Model].self).map(\.id)
    }

    /// Downloads a model into a fresh folder and compares every file with the original bytes.
    static func expectDownload(_ id: String, equals contents: [String: Data], folder: TemporaryDirectory, home: URL)
        async throws
    {
        let target = folder.appending("download-\(UUID().uuidString.prefix(8))")
        try await berth("model", "download", "-i", id, "-t", target.path, home: home)
        #expect(FileManager.default.relativeFilePaths(under: target) == contents.keys.sorted())
        for (path, data) in contents {
            #expect(try Data(contentsOf: target.appendingPathComponent(path)) == data, "\(id) \(path)")
        }
    }
}
