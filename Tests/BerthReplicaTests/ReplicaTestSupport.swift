import BerthTesting
import Foundation

/// Starts `berth replica` on a fixture of `Tests/Fixtures/corpus` with an empty model folder
/// unless one is given, and always stops it.
func withReplica(
    corpus name: String,
    modelDirectory: URL? = nil,
    extraArguments: [String] = [],
    environment: [String: String] = [:],
    python: String = "python3",
    waitUntilReady: Bool = true,
    _ body: (ReplicaProcess) async throws -> Void
) async throws {
    try await withReplica(
        sourceDirectory: TestPaths.corpus(name), modelDirectory: modelDirectory, extraArguments: extraArguments,
        environment: environment, python: python, waitUntilReady: waitUntilReady, body)
}

/// Starts `berth replica` on `score.py` in `sourceDirectory` and always stops it.
func withReplica(
    sourceDirectory: URL,
    modelDirectory: URL? = nil,
    extraArguments: [String] = [],
    environment: [String: String] = [:],
    python: String = "python3",
    waitUntilReady: Bool = true,
    _ body: (ReplicaProcess) async throws -> Void
) async throws {
    let scratch = try TestPaths.makeTemporaryDirectory("berth-models")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let models = modelDirectory ?? scratch
    let replica = try await ReplicaProcess.start(
        [
            "--entry-script", "score.py", "--source-dir", sourceDirectory.path, "--model-dir", models.path,
            "--python", python,
        ] + extraArguments,
        environment: environment, waitUntilReady: waitUntilReady)
    do {
        try await body(replica)
    } catch {
        let log = replica.log
        await replica.stop()
        throw TestProcessError("\(error)\nReplica log:\n\(log)")
    }
    await replica.stop()
}

/// Writes `files` (relative path → text) into a new temporary folder.
func makeFolder(_ files: [String: String]) throws -> URL {
    let folder = try TestPaths.makeTemporaryDirectory("berth-src")
    for (path, text) in files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }
    return folder
}

/// The worker pids `/ready` reports.
func workerPIDs(_ replica: ReplicaProcess) async throws -> [Int32] {
    let ready = try await TestHTTP.get("\(replica.baseURL)/ready").json() as? [String: Any]
    let workers = ready?["workers"] as? [[String: Any]] ?? []
    return workers.compactMap { ($0["pid"] as? Int).map(Int32.init) }
}
