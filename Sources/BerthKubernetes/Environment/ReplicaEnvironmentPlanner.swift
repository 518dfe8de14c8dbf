import BerthBackends
import BerthCore
import BerthKubernetesAPI

/// Where a deployment's Pods get their Python environment, and the one line that says so (the
/// deploy's progress output, the Pod template's `berth.dev/environment` annotation).
public struct ReplicaEnvironmentChoice: Sendable, Hashable {
    public var source: ReplicaWorkload.EnvironmentSource
    /// e.g. "Environment 3f2a9c0d1e2b: image registry.example.com/berth/env:3f2a…" or
    /// "Environment 3f2a9c0d1e2b: venv built at start (no image for it in registry.example.com)".
    public var summary: String

    public init(source: ReplicaWorkload.EnvironmentSource, summary: String) {
        self.source = source
        self.summary = summary
    }
}

/// Chooses a deployment's environment on a cluster: the image tagged with the
/// environment's hash when the configured registry has it (asked through the registry's v2 API),
/// else a venv the Pod builds at start from the requirements (into a cache volume keyed by the
/// hash), else — nothing to install — the runtime image's own Python.
///
/// A registry that cannot be asked (unreachable, credentials refused, misconfigured) never fails
/// the deploy: the Pods build the venv instead and the summary says why.
public enum ReplicaEnvironmentPlanner {
    /// - Parameters:
    ///   - environment: the deployment's environment, nil when it could not be read.
    ///   - registry: the configured registry, nil when none is.
    ///   - registryProblem: why the configured registry cannot be used at all (bad settings), if so.
    public static func choose(
        environment: PythonEnvironment?, runtimeImage: String, registry: RegistryClient?, registryProblem: String? = nil
    ) async -> ReplicaEnvironmentChoice {
        guard let environment else {
            return ReplicaEnvironmentChoice(
                source: .prebuiltImage(runtimeImage),
                summary:
                    "Environment: the runtime image's Python (\(runtimeImage)); the environment's files could not be "
                    + "read from the revision's sources, so its packages are not installed.")
        }
        let short = String(environment.hash.prefix(12))
        let reason: String
        if let registry {
            let host = registry.settings.host
            do {
                if try await registry.hasImage(tag: environment.hash) {
                    let image = registry.settings.image(environmentHash: environment.hash)
                    return ReplicaEnvironmentChoice(
                        source: .prebuiltImage(image), summary: "Environment \(short): image \(image)")
                }
                reason = "no image for \(short) in \(host)"
            } catch let error as KubernetesError {
                reason = "the registry could not be checked: \(error.message)"
            } catch {
                reason = "the registry \(host) could not be checked: \(error)"
            }
        } else {
            reason = registryProblem ?? "no registry configured (BERTH_KUBERNETES_REGISTRY)"
        }
        if environment.pipRequirements.isEmpty {
            return ReplicaEnvironmentChoice(
                source: .prebuiltImage(runtimeImage),
                summary: "Environment \(short): the runtime image's Python, nothing to install (\(reason))")
        }
        return ReplicaEnvironmentChoice(
            source: .buildAtStart(
                hash: environment.hash, requirements: environment.pipRequirements,
                pythonVersion: environment.pythonVersion),
            summary: "Environment \(short): venv built at start (\(reason))")
    }
}
