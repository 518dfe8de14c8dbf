import BerthBackends
import BerthCore
import BerthKubernetes
import BerthKubernetesDouble
import BerthTesting
import Foundation
import Testing

/// Where a deployment's Pods get their environment: the registry's image of its hash, else a venv
/// built at start, else the runtime image's Python — and a registry that cannot be asked never
/// fails the deploy.
struct ReplicaEnvironmentPlannerTests {
    static let hash = String(repeating: "3f2a9c0d", count: 8)
    static let environment = PythonEnvironment(hash: hash, pipRequirements: ["six"], pythonVersion: "3.11")
    static let runtime = "registry.example.com/berth/runtime:1"

    @Test(
        "The registry has the hash's image: the Pods run it (registry double, with a Bearer token)",
        .timeLimit(.minutes(1)))
    func imageFound() async throws {
        let configuration = RegistryDouble.Configuration(
            username: "u", password: "p", images: ["berth/env:\(Self.hash)"])
        try await RegistryDouble.withRunning(configuration) { url in
            let registry = RegistryClient(
                settings: try RegistrySettings(registry: url, credentials: .init(username: "u", password: "p")))
            let choice = await ReplicaEnvironmentPlanner.choose(
                environment: Self.environment, runtimeImage: Self.runtime, registry: registry)
            let image = registry.settings.image(environmentHash: Self.hash)
            #expect(choice.source == .prebuiltImage(image))
            #expect(choice.summary == "Environment 3f2a9c0d3f2a: image \(image)")
        }
    }

    @Test("The registry lacks the image: a venv is built at start, and the summary says why", .timeLimit(.minutes(1)))
    func imageMissing() async throws {
        let configuration = RegistryDouble.Configuration(username: "u", password: "p", images: ["berth/env:other"])
        try await RegistryDouble.withRunning(configuration) { url in
            let registry = RegistryClient(
                settings: try RegistrySettings(registry: url, credentials: .init(username: "u", password: "p")))
            let choice = await ReplicaEnvironmentPlanner.choose(
                environment: Self.environment, runtimeImage: Self.runtime, registry: registry)
            #expect(choice.source == .buildAtStart(hash: Self.hash, requirements: ["six"], pythonVersion: "3.11"))
            #expect(
                choice.summary
                    == "Environment 3f2a9c0d3f2a: venv built at start (no image for 3f2a9c0d3f2a in \(registry.settings.host))"
            )
        }
    }

    @Test(
        "A registry that refuses the credentials or cannot be reached: venv built at start, with the reason",
        .timeLimit(.minutes(1)))
    func registryUnusable() async throws {
        let configuration = RegistryDouble.Configuration(
            username: "u", password: "p", images: ["berth/env:\(Self.hash)"])
        let stopped = try await RegistryDouble.withRunning(configuration) { url in
            let wrong = RegistryClient(
                settings: try RegistrySettings(registry: url, credentials: .init(username: "u", password: "nope")))
            let refused = await ReplicaEnvironmentPlanner.choose(
                environment: Self.environment, runtimeImage: Self.runtime, registry: wrong)
            #expect(refused.source == .buildAtStart(hash: Self.hash, requirements: ["six"], pythonVersion: "3.11"))
            #expect(
                refused.summary.contains("venv built at start (the registry could not be checked:"),
                "\(refused.summary)")
            #expect(refused.summary.contains("BERTH_KUBERNETES_REGISTRY_CREDENTIALS"), "\(refused.summary)")
            #expect(!refused.summary.contains("nope"), "no secret in the summary")
            return url
        }
        // A port nothing listens on: the double above has stopped, so its port is closed now.
        let unreachable = RegistryClient(settings: try RegistrySettings(registry: stopped), timeout: .seconds(2))
        let choice = await ReplicaEnvironmentPlanner.choose(
            environment: Self.environment, runtimeImage: Self.runtime, registry: unreachable)
        #expect(choice.source == .buildAtStart(hash: Self.hash, requirements: ["six"], pythonVersion: "3.11"))
        #expect(choice.summary.contains("cannot be reached"), "\(choice.summary)")
    }

    @Test("No registry, bad registry settings, nothing to install, an unreadable environment")
    func withoutRegistry() async {
        let none = await ReplicaEnvironmentPlanner.choose(
            environment: Self.environment, runtimeImage: Self.runtime, registry: nil)
        #expect(none.source == .buildAtStart(hash: Self.hash, requirements: ["six"], pythonVersion: "3.11"))
        #expect(none.summary.hasSuffix("venv built at start (no registry configured (BERTH_KUBERNETES_REGISTRY))"))
        let bad = await ReplicaEnvironmentPlanner.choose(
            environment: Self.environment, runtimeImage: Self.runtime, registry: nil,
            registryProblem: "the file is open")
        #expect(bad.summary.hasSuffix("(the file is open)"))
        let empty = await ReplicaEnvironmentPlanner.choose(
            environment: PythonEnvironment(hash: Self.hash, pipRequirements: []), runtimeImage: Self.runtime,
            registry: nil)
        #expect(empty.source == .prebuiltImage(Self.runtime))
        #expect(empty.summary.contains("the runtime image's Python, nothing to install"))
        let unknown = await ReplicaEnvironmentPlanner.choose(
            environment: nil, runtimeImage: Self.runtime, registry: nil)
        #expect(unknown.source == .prebuiltImage(Self.runtime))
        #expect(unknown.summary.contains("could not be read"))
    }
}

/// The `build-environment` init container: its manifests, and its script run for real.
struct EnvironmentBuildContainerTests {
    static func workload(claim: String? = nil, pythonVersion: String? = nil, requirements: [String] = ["six"])
        -> ReplicaWorkload
    {
        var workload = ManifestSamples.workload(
            gpu: 0,
            environment: .buildAtStart(
                hash: ReplicaEnvironmentPlannerTests.hash, requirements: requirements, pythonVersion: pythonVersion))
        workload.environmentCacheClaim = claim
        workload.environmentSummary = "Environment 3f2a9c0d3f2a: venv built at start (no registry configured)"
        return workload
    }

    static func podSpec(_ workload: ReplicaWorkload) -> JSONValue? {
        ReplicaManifests.deployment(workload)["spec"]?["template"]?["spec"]
    }

    static func script(_ workload: ReplicaWorkload) throws -> String {
        let build = podSpec(workload)?["initContainers"]?.arrayValue?.first { $0["name"] == "build-environment" }
        return try #require(build?["command"]?.arrayValue?.last?.stringValue)
    }

    @Test(
        "The venv cache is the configured claim, else an emptyDir; the replica runs the venv's Python; hardening kept")
    func manifests() throws {
        let hash = ReplicaEnvironmentPlannerTests.hash
        let claimed = Self.workload(claim: "berth-venvs")
        let pod = try #require(Self.podSpec(claimed))
        let cache = pod["volumes"]?.arrayValue?.first { $0["name"] == "venv-cache" }
        #expect(cache?["persistentVolumeClaim"]?["claimName"] == "berth-venvs")
        let perPod = Self.podSpec(Self.workload())?["volumes"]?.arrayValue?.first(where: { $0["name"] == "venv-cache" })
        #expect(perPod?["emptyDir"] != nil)
        let replica = try #require(pod["containers"]?.arrayValue?.first)
        let command = replica["command"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let python = try #require(command.firstIndex(of: "--python")).advanced(by: 1)
        #expect(command[python] == "/opt/berth/venvs/\(hash)/bin/python")
        #expect(
            replica["volumeMounts"]?.arrayValue?.contains { $0["name"] == "venv-cache" && $0["readOnly"] == true }
                == true)
        let build = try #require(pod["initContainers"]?.arrayValue?.first { $0["name"] == "build-environment" })
        #expect(build["securityContext"]?["readOnlyRootFilesystem"] == true)
        #expect(build["securityContext"]?["runAsNonRoot"] == true)
        let template = ReplicaManifests.deployment(claimed)["spec"]?["template"]?["metadata"]?["annotations"]
        #expect(template?["berth.dev/environment"]?.stringValue?.contains("venv built at start") == true)
    }

    @Test("The new manifests are valid against the Kubernetes API types", .timeLimit(.minutes(2)))
    func valid() async throws {
        let manifests =
            ReplicaManifests.all(Self.workload(claim: "berth-venvs", pythonVersion: "3.11"))
            + ReplicaManifests.all(Self.workload())
        let output = try await ManifestValidationTests.validate(manifests)
        #expect(output.succeeded, "\(output.stdout)\(output.stderr)")
        #expect(output.stdout.contains("\(manifests.count) manifests valid"), "\(output.stdout)\(output.stderr)")
    }

    /// Runs the init container's script with the cache folder moved to `cache`.
    static func run(_ script: String, cache: URL) async throws -> RunToCompletion.Output {
        let local = script.replacingOccurrences(of: "'/opt/berth/venvs'", with: "'\(cache.path)'")
        return try await RunToCompletion.run("/bin/sh", ["-c", local])
    }

    @Test("The script builds once, reuses a complete venv, rebuilds a half-built one", .timeLimit(.minutes(2)))
    func buildReuseRebuild() async throws {
        let folder = try TemporaryDirectory("berth-venv-script")
        defer { folder.remove() }
        let cache = folder.appending("venvs")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        // Nothing to install keeps the test offline; pip's part runs in the end-to-end test.
        let script = try Self.script(Self.workload(requirements: []))
        let venv = cache.appendingPathComponent(ReplicaEnvironmentPlannerTests.hash)
        let marker = venv.appendingPathComponent("berth-complete")

        let built = try await Self.run(script, cache: cache)
        #expect(built.succeeded, "\(built.stdout)\(built.stderr)")
        #expect(built.stdout.contains("building one") && built.stdout.contains("venv ready"), "\(built.stdout)")
        #expect(FileManager.default.isExecutableFile(atPath: venv.appendingPathComponent("bin/python").path))
        #expect(FileManager.default.fileExists(atPath: marker.path))
        #expect(
            (try FileManager.default.contentsOfDirectory(atPath: cache.path)).count == 1, "no temporary folder left")

        let reused = try await Self.run(script, cache: cache)
        #expect(reused.succeeded && reused.stdout.contains("reused the complete venv"), "\(reused.stdout)")

        try FileManager.default.removeItem(at: marker)  // as a Pod killed mid-build leaves it
        let rebuilt = try await Self.run(script, cache: cache)
        #expect(rebuilt.succeeded && rebuilt.stdout.contains("building one"), "\(rebuilt.stdout)\(rebuilt.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker.path))
    }

    @Test("A pinned Python the runtime image does not have is refused with both versions", .timeLimit(.minutes(1)))
    func pinnedPython() async throws {
        let folder = try TemporaryDirectory("berth-venv-pin")
        defer { folder.remove() }
        let refused = try await Self.run(
            try Self.script(Self.workload(pythonVersion: "2.7", requirements: [])), cache: folder.url)
        #expect(!refused.succeeded)
        #expect(refused.stderr.contains("pins Python 2.7 but the runtime image has Python 3."), "\(refused.stderr)")
    }
}
