import BerthCore
import Foundation
import Testing

@testable import BerthKubernetes

/// The init container's fetch: the file list travels as an artifact, so the Pod's arguments stay
/// small however many files a model has.
struct FetchScriptTests {
    static func files(_ count: Int) -> [ReplicaWorkload.FetchedFile] {
        (0..<count).map { index in
            ReplicaWorkload.FetchedFile(
                path: "shards/part \(index).bin", digest: "sha256:" + String(repeating: "a", count: 64))
        }
    }

    @Test func theListHasALinePerFileUnderItsFolder() throws {
        let list = try #require(
            ReplicaWorkload.fileList(
                modelFiles: Self.files(2), sourceFiles: [.init(path: "score.py", digest: "sha256:b")]))
        let lines = list.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0] == "\(String(repeating: "a", count: 64)) m shards/part 0.bin")
        #expect(lines[2] == "b s score.py")
    }

    @Test func theScriptIsTheSameSizeForTenThousandFiles() {
        let script = FetchScript.script(listDigest: "sha256:" + String(repeating: "c", count: 64))
        #expect(script.utf8.count < 1024)
        #expect(script.contains(String(repeating: "c", count: 64)))
        // What naming them inline would cost: past the 128 KiB limit of one argument.
        let inline = FetchScript.inlineScript(
            files: Self.files(10_000).map { (folder: ReplicaManifests.modelDirectory, file: $0) })
        #expect(inline.utf8.count > 128 * 1024)
    }

    @Test func aPathWithALineBreakIsNamedInlineInstead() {
        let odd = [ReplicaWorkload.FetchedFile(path: "a\nb.txt", digest: "sha256:d")]
        #expect(ReplicaWorkload.fileList(modelFiles: odd, sourceFiles: []) == nil)
    }

    /// The script's loop, run by `sh` with `curl` and `sha256sum` stood in for by shell functions
    /// that copy from a folder: every listed file lands at its path, spaces and all.
    @Test func theScriptFetchesEveryListedFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fetch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        let target = folder.appendingPathComponent("out").path
        let list = "aaa m one file.bin\nbbb s deep/two.bin\n"
        for (name, text) in [("listhex", list), ("aaa", "first"), ("bbb", "second")] {
            try Data(text.utf8).write(to: store.appendingPathComponent(name))
        }
        let script = FetchScript.script(listDigest: "sha256:listhex")
            .replacingOccurrences(of: FetchScript.listPath, with: folder.appendingPathComponent("list").path)
            .replacingOccurrences(of: ReplicaManifests.modelDirectory, with: "\(target)/models")
            .replacingOccurrences(of: ReplicaManifests.sourceDirectory, with: "\(target)/source")
        // Stand-ins: `curl … -o PATH URL` copies the URL's last part from the store; sums pass.
        let prelude = """
            curl() { while [ "$1" != "-o" ]; do shift; done; cp "\(store.path)/${3##*sha256:}" "$2"; }
            sha256sum() { cat >/dev/null; }
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", prelude + "\n" + script]
        process.environment = [
            "BERTH_ARTIFACT_TOKEN": "t", "BERTH_CONTROL_PLANE_URL": "http://x", "PATH": "/usr/bin:/bin",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("fetched 2 files"), "\(said)")
        #expect(try String(contentsOfFile: "\(target)/models/one file.bin", encoding: .utf8) == "first")
        #expect(try String(contentsOfFile: "\(target)/source/deep/two.bin", encoding: .utf8) == "second")
    }
}
