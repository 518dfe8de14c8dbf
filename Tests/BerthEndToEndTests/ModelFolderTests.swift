import BerthCore
import BerthTesting
import Foundation
import Testing

/// Registering folders whose files are not all plain files: empty files, and symbolic links (model
/// caches such as Hugging Face's are made of links), which must never be skipped silently.
struct ModelFolderTests {
    @Test(.timeLimit(.minutes(3)))
    func linkedAndEmptyFilesAreRegisteredWithTheirBytes() async throws {
        let folder = try TemporaryDirectory("berth-e2e")
        defer { folder.remove() }
        let home = folder.appending("home")
        let server = try await BerthServer.start(home: home)
        let blob = randomBytes(40_000)
        try folder.write(blob, to: "cache/blobs/1234")
        try folder.write(Data("config".utf8), to: "cache/snapshot/config.json")
        try folder.write(Data(), to: "cache/snapshot/empty.txt")
        let manager = FileManager.default
        try manager.createDirectory(at: folder.appending("cache/snapshot/weights"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(
            atPath: folder.appending("cache/snapshot/weights/model.bin").path,
            withDestinationPath: "../../blobs/1234"
        )
        try manager.createSymbolicLink(
            atPath: folder.appending("single.bin").path,
            withDestinationPath: folder.appending("cache/blobs/1234").path
        )

        let model = try await berthJSON(
            Model.self, "model", "register", "-n", "linked", "-p", folder.appending("cache/snapshot").path, home: home
        )
        #expect(model.files.map(\.path) == ["config.json", "empty.txt", "weights/model.bin"])
        #expect(model.sizeBytes == Int64(blob.count + 6))
        let target = folder.appending("download")
        try await berth("model", "download", "-i", "linked:1", "-t", target.path, home: home)
        #expect(try Data(contentsOf: target.appendingPathComponent("weights/model.bin")) == blob)
        #expect(try Data(contentsOf: target.appendingPathComponent("empty.txt")).isEmpty)

        let single = try await berthJSON(
            Model.self, "model", "register", "-n", "single", "-p", folder.appending("single.bin").path, home: home
        )
        #expect(single.files.map(\.path) == ["single.bin"])
        #expect(single.sizeBytes == Int64(blob.count))

        let snapshot = folder.appending("cache/snapshot")
        try manager.createSymbolicLink(
            atPath: folder.appending("cache/snapshot/blobs").path,
            withDestinationPath: "../blobs"
        )
        try await berthFails(
            "model", "register", "-n", "linked", "-p", folder.appending("cache/snapshot").path,
            home: home,
            exitCode: 64,
            saying: "'blobs' in --model-path '\(snapshot.path)' is a symbolic link to a folder"
        )
        try manager.removeItem(at: folder.appending("cache/snapshot/blobs"))
        try manager.createSymbolicLink(
            atPath: folder.appending("cache/snapshot/broken").path,
            withDestinationPath: "../nowhere"
        )
        try await berthFails(
            "model", "register", "-n", "linked", "-p", folder.appending("cache/snapshot").path,
            home: home,
            exitCode: 64,
            saying: "'broken' in --model-path"
        )
        let versions = try await berthJSON([Model].self, "model", "list", "-n", "linked", home: home)
        #expect(versions.map(\.version) == [1])
        await server.stop()
    }
}
