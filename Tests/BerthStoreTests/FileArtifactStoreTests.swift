import BerthCore
import BerthStore
import BerthTesting
import Foundation
import Testing

/// The artifact store on a real folder: bytes come back identical, blobs are named by their
/// SHA-256, and an upload that does not finish leaves nothing behind.
struct FileArtifactStoreTests {
    /// Bytes of every value, larger than one read chunk (1 MiB) so chunking is exercised.
    static let largeBytes = Data((0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) })

    @Test(arguments: [
        ("abc", "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ])
    func digestIsTheSHA256OfTheBytes(text: String, expected: String) throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileArtifactStore(root: folder.appending("artifacts"))
        let file = try folder.write(Data(text.utf8), to: "input")
        let result = try store.ingestFile(at: file)
        #expect(result.digest == expected)
        #expect(result.sizeBytes == Int64(text.utf8.count))
        let location = try #require(store.location(of: expected))
        #expect(location.path.hasSuffix("sha256/\(expected.dropFirst(7).prefix(2))/\(expected.dropFirst(7))"))
    }

    @Test func aFileReadsBackByteIdentical() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileArtifactStore(root: folder.appending("artifacts"))
        let original = try folder.write(Self.largeBytes, to: "model.bin")
        let result = try store.ingestFile(at: original)
        #expect(result.sizeBytes == Int64(Self.largeBytes.count))
        let location = try #require(store.location(of: result.digest))
        #expect(try Data(contentsOf: location) == Self.largeBytes)
    }

    @Test func aFolderMaterializesByteIdentical() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileArtifactStore(root: folder.appending("artifacts"))
        let contents: [String: Data] = [
            "model.pkl": Self.largeBytes,
            "config/params.json": Data(#"{"alpha": 0.1}"#.utf8),
            "config/nested/empty.txt": Data(),
            "vocab.txt": Data("a\nb\nc\n".utf8),
        ]
        var files: [ArtifactFile] = []
        for (path, data) in contents.sorted(by: { $0.key < $1.key }) {
            let url = try folder.write(data, to: "source/\(path)")
            let result = try store.ingestFile(at: url)
            files.append(ArtifactFile(path: path, digest: result.digest, sizeBytes: result.sizeBytes))
        }
        let target = folder.appending("target")
        try store.materialize(files, into: target)
        #expect(FileManager.default.relativeFilePaths(under: target) == contents.keys.sorted())
        for (path, data) in contents {
            #expect(try Data(contentsOf: target.appendingPathComponent(path)) == data, "\(path)")
        }
    }

    @Test func sameBytesAreStoredOnce() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.appending("artifacts")
        let store = try FileArtifactStore(root: root)
        let first = try store.ingestFile(at: try folder.write(Data("same".utf8), to: "a.txt"))
        let second = try store.ingestFile(at: try folder.write(Data("same".utf8), to: "b/c.txt"))
        let other = try store.ingestFile(at: try folder.write(Data("other".utf8), to: "d.txt"))
        #expect(first == second)
        #expect(first.digest != other.digest)
        let blobs = FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256"))
        #expect(blobs.count == 2)
        #expect(Self.temporaryFiles(root).isEmpty)
    }

    @Test func anAbortedUploadLeavesNothing() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.appending("artifacts")
        let store = try FileArtifactStore(root: root)
        let upload = try store.beginUpload()
        try upload.write(Data("abc".utf8))
        #expect(Self.temporaryFiles(root).count == 1)
        upload.abort()
        #expect(Self.temporaryFiles(root).isEmpty)
        #expect(!store.contains("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256")).isEmpty)
    }

    @Test func anUnfinishedUploadIsNeverVisibleAndIsClearedOnReopen() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.appending("artifacts")
        let store = try FileArtifactStore(root: root)
        // A crash mid-upload: the bytes sit in tmp/, never under a digest.
        let stray = root.appendingPathComponent("tmp/\(UUID().uuidString)")
        try Data(Self.largeBytes.prefix(1000)).write(to: stray)
        let upload = try store.beginUpload()
        try upload.write(Self.largeBytes.prefix(4096))
        #expect(FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256")).isEmpty)
        upload.abort()
        let reopened = try FileArtifactStore(root: root)
        #expect(Self.temporaryFiles(root).isEmpty)
        #expect(FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256")).isEmpty)
        let result = try reopened.ingestFile(at: try folder.write(Data("abc".utf8), to: "abc"))
        #expect(reopened.contains(result.digest))
    }

    @Test func aDigestMismatchPublishesNothing() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.appending("artifacts")
        let store = try FileArtifactStore(root: root)
        let upload = try store.beginUpload()
        try upload.write(Data("abc".utf8))
        let announced = "sha256:" + String(repeating: "0", count: 64)
        let error = #expect(throws: BerthError.self) { try upload.finish(expecting: announced) }
        #expect(error?.code == .badRequest)
        #expect(error?.message.contains("not the \(announced) the client announced") == true)
        #expect(Self.temporaryFiles(root).isEmpty)
        #expect(FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256")).isEmpty)

        let matching = try store.beginUpload()
        try matching.write(Data("abc".utf8))
        let abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        #expect(try matching.finish(expecting: abc).digest == abc)
        #expect(store.contains(abc))
    }

    @Test func everyVisibleBlobMatchesItsName() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let root = folder.appending("artifacts")
        let store = try FileArtifactStore(root: root)
        for index in 0..<5 {
            let bytes = Data(repeating: UInt8(index), count: index * 1000)
            _ = try store.ingestFile(at: try folder.write(bytes, to: "\(index)"))
        }
        let blobs = FileManager.default.relativeFilePaths(under: root.appendingPathComponent("sha256"))
        #expect(blobs.count == 5)
        for blob in blobs {
            let hex = String(blob.split(separator: "/").last!)
            let digest = "sha256:" + hex
            // Re-ingesting the stored bytes must give back the same name: the blob is complete.
            let location = try #require(store.location(of: digest))
            #expect(try store.ingestFile(at: location).digest == digest)
        }
    }

    @Test func malformedDigestsAreNeverFound() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileArtifactStore(root: folder.appending("artifacts"))
        #expect(store.location(of: "sha256:../../etc/passwd") == nil)
        #expect(store.location(of: "md5:abc") == nil)
        #expect(store.location(of: "sha256:" + String(repeating: "A", count: 64)) == nil)
    }

    @Test func materializeRefusesEscapingPaths() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let store = try FileArtifactStore(root: folder.appending("artifacts"))
        let result = try store.ingestFile(at: try folder.write(Data("x".utf8), to: "x"))
        let error = #expect(throws: BerthError.self) {
            try store.materialize(
                [ArtifactFile(path: "../escape.txt", digest: result.digest, sizeBytes: 1)],
                into: folder.appending("target")
            )
        }
        #expect(error?.message.contains("'../escape.txt'") == true)
        #expect(!FileManager.default.fileExists(atPath: folder.appending("escape.txt").path))
    }

    /// Files left in the store's upload area.
    static func temporaryFiles(_ root: URL) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("tmp").path)) ?? []
    }
}
