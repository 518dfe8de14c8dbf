import BerthCore
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// A suite trait: every object the suite's API doubles accept (each create and replace body, each
/// merge patch's result, each `scale`) is checked when the suite ends against the official JSON
/// schemas of the Kubernetes version the double played, strictly (an unknown field is an error,
/// as a real API server's `fieldValidation=Strict`), in one `python -m k8s_validator.strict` run
/// for the whole suite. A problem fails the suite with the request, the field, the schema's
/// message and the object.
struct ValidatesSentObjects: SuiteTrait, TestScoping {
    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let sent = SentObjects()
        try await SentObjects.$current.withValue(sent) {
            try await function()
        }
        try await Self.validate(sent.entries, suite: test.name)
    }

    /// Writes `entries` to a folder, one JSON file each, and checks them in one Python run.
    static func validate(_ entries: [SentObjects.Entry], suite: String) async throws {
        guard !entries.isEmpty else { return }
        let output = try await run(entries)
        guard output.succeeded else {
            throw SentObjectsInvalid(suite: suite, report: output.stdout + output.stderr)
        }
    }

    static func run(_ entries: [SentObjects.Entry]) async throws -> RunToCompletion.Output {
        let folder = try TemporaryDirectory("berth-sent-objects")
        defer { folder.remove() }
        for (index, entry) in entries.enumerated() {
            let file: JSONValue = [
                "request": .string(entry.request), "kubernetesVersion": .string(entry.kubernetesVersion),
                "object": entry.object,
            ]
            try folder.write(file.canonicalData, to: String(format: "%05d.json", index))
        }
        return try await RunToCompletion.run(
            TestPaths.fixturePython,
            [
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); from k8s_validator.strict import main; sys.exit(main(sys.argv[2:]))",
                TestPaths.pythonPackages.path, folder.url.path,
            ])
    }
}

extension Trait where Self == ValidatesSentObjects {
    /// Checks every object the suite's API doubles accepted against the strict official schemas.
    static var validatesSentObjects: Self { Self() }
}

/// Objects a suite sent that a real API server's strict schema check refuses.
struct SentObjectsInvalid: Error, CustomStringConvertible {
    var suite: String
    var report: String

    var description: String {
        "Objects sent to the Kubernetes API double in '\(suite)' are not valid against the strict schemas:\n\(report)"
    }
}
