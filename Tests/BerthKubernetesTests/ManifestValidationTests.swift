import BerthCore
import BerthKubernetesDouble
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

    @Test("Every generated manifest passes the strict official schemas of 1.28 and 1.31", .timeLimit(.minutes(2)))
    func everyManifestIsStrictlyValid() async throws {
        // 1.31 takes the `sleep` preStop the samples use; on 1.28 Berth sends the `exec` form, so
        // the samples are checked there without their preStop.
        let entries = ManifestSamples.everyManifest.flatMap { manifest in
            [
                SentObjects.Entry(request: "sample", kubernetesVersion: "1.31", object: manifest),
                SentObjects.Entry(request: "sample", kubernetesVersion: "1.28", object: Self.withoutPreStop(manifest)),
            ]
        }
        let output = try await ValidatesSentObjects.run(entries)
        #expect(output.succeeded, "\(output.stdout)\(output.stderr)")
    }

    static func withoutPreStop(_ manifest: JSONValue) -> JSONValue {
        guard manifest["kind"] == "Deployment", case .object(var members) = manifest,
            case .object(var spec)? = members["spec"], case .object(var template)? = spec["template"],
            case .object(var podSpec)? = template["spec"], case .array(var containers)? = podSpec["containers"]
        else { return manifest }
        for index in containers.indices {
            guard case .object(var container) = containers[index] else { continue }
            container["lifecycle"] = nil
            containers[index] = .object(container)
        }
        podSpec["containers"] = .array(containers)
        template["spec"] = .object(podSpec)
        spec["template"] = .object(template)
        members["spec"] = .object(spec)
        return .object(members)
    }

    @Test("The validator really rejects a broken manifest (so the test above can fail)", .timeLimit(.minutes(2)))
    func validatorRejects() async throws {
        guard case .object(var deployment)? = ManifestSamples.everyManifest.first(where: { $0["kind"] == "Deployment" })
        else {
            Issue.record("no Deployment generated")
            return
        }
        deployment["spec"] = ["replicas": "three"]
        let output = try await Self.validate([.object(deployment)])
        #expect(!output.succeeded)
        #expect(output.stdout.contains("spec.replicas: expected int"), "\(output.stdout)\(output.stderr)")
    }
}
