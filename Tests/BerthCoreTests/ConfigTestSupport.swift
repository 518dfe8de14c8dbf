import BerthCore
import Foundation

/// Paths and small helpers for the config tests. The repository root is found by walking up from
/// this file (symlinks resolved) to the folder holding `Tests/Fixtures`, so the tests work from any
/// checkout or package that links these sources.
enum ConfigTestSupport {
    static let repositoryRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Tests/Fixtures").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// `Tests/Fixtures/corpus`.
    static var corpus: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures/corpus") }

    /// Every `<case>/<fileName>` in the corpus, sorted.
    static func corpusFiles(named fileName: String) -> [URL] {
        let cases = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return cases.sorted().map { corpus.appendingPathComponent($0).appendingPathComponent(fileName) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
    }

    static func deployment(_ json: String) throws -> Parsed<DeploymentConfigFile> {
        try DeploymentConfigFile.parse(Data(json.utf8))
    }

    static func inference(_ json: String) throws -> Parsed<InferenceConfig> {
        try InferenceConfig.parse(Data(json.utf8))
    }

    /// The message of the `BerthError` thrown by `body`, or `nil` when nothing is thrown.
    static func errorMessage(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as BerthError {
            return "\(error.code): \(error.message)"
        } catch {
            return "unexpected: \(error)"
        }
    }

    /// The error message parsing a deployment config gives, or `nil` when it is accepted.
    static func deploymentError(_ json: String) -> String? {
        errorMessage { _ = try deployment(json) }
    }

    static func inferenceError(_ json: String) -> String? {
        errorMessage { _ = try inference(json) }
    }

    /// Canonical JSON of an `Encodable`, for comparing encodings without caring about key order.
    static func canonical(_ value: some Encodable) throws -> JSONValue {
        try JSONValue(parsing: JSONEncoder().encode(value))
    }
}
