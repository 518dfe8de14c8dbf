import BerthCore
import BerthTesting
import Foundation
import Testing

/// Every generated manifest goes through `python/k8s_validator`, which checks it against the
/// official Kubernetes API types of the `kubernetes` Python client.
struct ManifestValidationTests {
    static func validate(_ manifests: [JSONValue]) async throws -> RunToCompletion.Output {
        let folder = try TemporaryDirectory("berth-manifests")
        let file = try folder.write(JSONValue.array(manifests).canonicalData, to: "manifests.json")
        let python = TestPaths.pythonPackages.path
        return try await RunToCompletion.run(
            TestPaths.fixturePython,
            [
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); from k8s_validator.__main__ import main; sys.exit(main(sys.argv[2:]))",
                python, file.path,
            ])
    }

    @Test("Every generated manifest is valid against the Kubernetes API types", .timeLimit(.minutes(2)))
    func everyManifestIsValid() async throws {
        let manifests = ManifestSamples.everyManifest
        let output = try await Self.validate(manifests)
        #expect(output.succeeded, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("\(manifests.count) manifests valid"), "\(output.stdout)\(output.stderr)")
    }

    @Test("The validator really rejects a broken manifest (so the test above can fail)", .timeLimit(.minutes(2)))
    func validatorRejects() async throws {
        guard case .object(var deployment)? = ManifestSamples.everyManifest.first(where: { $0["kind"] == "Deployment" })
        else { Issue.record("no Deployment generated"); return }
        deployment["spec"] = ["replicas": "three"]
        let output = try await Self.validate([.object(deployment)])
        #expect(!output.succeeded)
        #expect(output.stdout.contains("spec.replicas: expected int"), "\(output.stdout)\(output.stderr)")
    }
}
