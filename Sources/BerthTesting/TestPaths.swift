import Foundation

/// Where tests find the repository, its fixtures, the built `berth` binary and the Python to run
/// entry scripts with, so no test hard-codes a path or reads anything outside the clone.
package enum TestPaths {
    /// The repository root, found from this file's own path (`Sources/BerthTesting/TestPaths.swift`).
    package static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    /// `Tests/Fixtures`: the project's own copies of the entry scripts and configs to cover.
    package static var fixtures: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures") }

    /// One case of `Tests/Fixtures/corpus` (`echo`, `failing`, `rawhttp`, `multimodel`, `slow`,
    /// `schema`, `sklearn-diabetes`).
    package static func corpus(_ name: String) -> URL {
        fixtures.appendingPathComponent("corpus").appendingPathComponent(name)
    }

    /// The `python` folder that holds `berth_worker`.
    package static var pythonPackages: URL { repositoryRoot.appendingPathComponent("python") }

    /// The built `berth` executable: `$BERTH_BIN` when set, else the one beside the test bundle
    /// (SwiftPM puts products and the test bundle in the same folder).
    package static var berthExecutable: URL {
        if let path = ProcessInfo.processInfo.environment["BERTH_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("berth")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/berth")
    }

    /// The built `berth-router` executable (the router alone, as router Pods run it): beside
    /// `berthExecutable`, since SwiftPM builds both products into one folder.
    package static var berthRouterExecutable: URL {
        berthExecutable.deletingLastPathComponent().appendingPathComponent("berth-router")
    }

    /// The Python with the fixtures' dependencies (numpy, inference-schema, scikit-learn, joblib):
    /// `$BERTH_TEST_PYTHON`, else `<repo>/.venv/bin/python` (made by `scripts/test.sh`), else `python3`.
    package static var fixturePython: String {
        if let path = ProcessInfo.processInfo.environment["BERTH_TEST_PYTHON"], !path.isEmpty { return path }
        let venv = repositoryRoot.appendingPathComponent(".venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return "python3"
    }

    /// A fresh temporary folder for one test; the caller removes it.
    package static func makeTemporaryDirectory(_ prefix: String = "berth-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
