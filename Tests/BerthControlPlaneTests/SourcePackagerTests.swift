import BerthCore
import BerthStore
import Foundation
import Testing

@testable import BerthControlPlane

@Suite("Source snapshots")
struct SourcePackagerTests {
    @Test(".amlignore applies instead of .gitignore, with negation and directory patterns")
    func amlignoreOverGitignore() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let source = try scratch.folder("src")
        try scratch.write("score.py", "def run(x): return x\n", in: source)
        try scratch.write("data/big.csv", "1,2\n", in: source)
        try scratch.write("data/keep.csv", "3,4\n", in: source)
        try scratch.write("outputs/model.bin", "weights", in: source)
        try scratch.write("notes.txt", "git ignores me, amlignore does not", in: source)
        try scratch.write(".gitignore", "notes.txt\n", in: source)
        try scratch.write(".amlignore", "# not for replicas\n*.csv\n!keep.csv\noutputs/\n", in: source)
        try scratch.write(".git/HEAD", "ref: refs/heads/main\n", in: source)
        try scratch.write("pkg/__pycache__/m.cpython-311.pyc", "bytecode", in: source)

        let snapshot = try await SourcePackager(artifacts: try scratch.artifactStore()).snapshot(of: source)

        #expect(snapshot.ignoreFile == ".amlignore")
        #expect(snapshot.manifest.files.map(\.path) == [".amlignore", ".gitignore", "data/keep.csv", "notes.txt", "score.py"])
        #expect(snapshot.fileCount == 5)
        #expect(snapshot.totalBytes == snapshot.manifest.files.reduce(0) { $0 + $1.sizeBytes })
        #expect(snapshot.summary.contains("5 files") && snapshot.summary.contains(".amlignore"))
    }

    @Test(".gitignore applies when there is no .amlignore")
    func gitignoreFallback() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let source = try scratch.folder("src")
        try scratch.write("score.py", "x = 1\n", in: source)
        try scratch.write("secret.env", "KEY=1\n", in: source)
        try scratch.write("build/out.o", "obj", in: source)
        try scratch.write(".gitignore", "*.env\nbuild/\n", in: source)

        let snapshot = try await SourcePackager(artifacts: try scratch.artifactStore()).snapshot(of: source)

        #expect(snapshot.ignoreFile == ".gitignore")
        #expect(snapshot.manifest.files.map(\.path) == [".gitignore", "score.py"])
    }

    @Test("The same bytes give the same digest; a changed byte or exec bit changes it")
    func digestIsContentOnly() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = try scratch.artifactStore()
        let first = try scratch.folder("one")
        let second = try scratch.folder("two")
        for folder in [first, second] {
            try scratch.write("score.py", "print('hi')\n", in: folder)
            try scratch.write("lib/util.py", "X = 1\n", in: folder)
        }
        let packager = SourcePackager(artifacts: store)
        let a = try await packager.snapshot(of: first)
        let b = try await packager.snapshot(of: second)
        #expect(a.digest == b.digest)
        #expect(ArtifactFile.isValidDigest(a.digest))
        #expect(store.contains(a.digest))

        try scratch.write("run.sh", "#!/bin/sh\n", in: second)
        let withScript = try await packager.snapshot(of: second)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: second.appendingPathComponent("run.sh").path)
        let executable = try await packager.snapshot(of: second)
        #expect(withScript.digest != a.digest)
        #expect(executable.digest != withScript.digest)
        #expect(executable.manifest.files.first { $0.path == "run.sh" }?.isExecutable == true)
    }

    @Test("materialize reproduces the bytes read-only, and load finds the snapshot by digest")
    func materializeRoundTrip() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let store = try scratch.artifactStore()
        let source = try scratch.folder("src")
        try scratch.write("score.py", "def init(): pass\n", in: source)
        try scratch.write("models/weights.bin", String(repeating: "w", count: 70_000), in: source)
        try scratch.write("tool.sh", "#!/bin/sh\necho hi\n", in: source, executable: true)
        let snapshot = try await SourcePackager(artifacts: store).snapshot(of: source)

        let loaded = try SourceSnapshot.load(digest: snapshot.digest, from: store)
        #expect(loaded.manifest == snapshot.manifest)
        let target = scratch.root.appendingPathComponent("replica-src/\(snapshot.digest)")
        #expect(try await loaded.materialize(into: target, from: store))

        for path in ["score.py", "models/weights.bin", "tool.sh"] {
            let original = try Data(contentsOf: source.appendingPathComponent(path))
            #expect(try Data(contentsOf: target.appendingPathComponent(path)) == original)
            // Checked on the mode bits: root (as in CI containers) may write any file.
            let mode = try FileManager.default.attributesOfItem(atPath: target.appendingPathComponent(path).path)[.posixPermissions] as? Int
            #expect(mode.map { $0 & 0o222 } == 0)
        }
        #expect(FileManager.default.isExecutableFile(atPath: target.appendingPathComponent("tool.sh").path))
        #expect(!FileManager.default.isExecutableFile(atPath: target.appendingPathComponent("score.py").path))
        // A second materialize into the digest-keyed folder keeps the first copy.
        #expect(try await loaded.materialize(into: target, from: store) == false)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)
        #expect(leftovers.count == 1)
    }

    @Test("A symbolic link inside the folder is packaged as its target's bytes")
    func symlinkInside() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let source = try scratch.folder("src")
        try scratch.write("real/config.json", "{}", in: source)
        try FileManager.default.createSymbolicLink(
            atPath: source.appendingPathComponent("config.json").path, withDestinationPath: "real/config.json")
        try FileManager.default.createSymbolicLink(
            atPath: source.appendingPathComponent("loop").path, withDestinationPath: ".")

        let snapshot = try await SourcePackager(artifacts: try scratch.artifactStore()).snapshot(of: source)

        #expect(snapshot.manifest.files.map(\.path).contains("config.json"))
        #expect(snapshot.manifest.files.map(\.path).contains("real/config.json"))
    }

    @Test("A symbolic link out of the folder is refused with a clear error, unless ignored")
    func symlinkEscaping() async throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        let source = try scratch.folder("src")
        try scratch.write("score.py", "x = 1\n", in: source)
        try scratch.write("outside.txt", "secret", in: scratch.root)
        try FileManager.default.createSymbolicLink(
            atPath: source.appendingPathComponent("leak.txt").path, withDestinationPath: "../outside.txt")
        let packager = SourcePackager(artifacts: try scratch.artifactStore())

        let error = try await #require(throws: BerthError.self) { try await packager.snapshot(of: source) }
        #expect(error.code == .badRequest)
        #expect(error.message.contains("'leak.txt'") && error.message.contains("outside"))

        try scratch.write(".amlignore", "leak.txt\n", in: source)
        let snapshot = try await packager.snapshot(of: source)
        #expect(!snapshot.manifest.files.map(\.path).contains("leak.txt"))
    }
}
