import BerthBackends
import BerthCore
import Foundation

extension PythonEnvironment {
    /// The environment `config` asks for, as a cluster rebuilds it: the hash the deploy flow
    /// computed, the conda/pip list mapped to pip requirements (`InstallPlan`, the same mapping as
    /// the local venvs) and the pinned Python version.
    ///
    /// Its files (a conda file, Dockerfile steps) are read from `sourceDirectory`, the revision's
    /// source snapshot, so a restore after a restart finds them too. nil when they cannot be read
    /// there (e.g. an absolute `condaFile` that has gone): the cluster then runs the runtime image's
    /// Python and the deploy says so.
    static func of(_ config: InferenceConfig, sourceDirectory: URL) -> PythonEnvironment? {
        guard let spec = try? EnvironmentSpec.load(for: config, filesIn: sourceDirectory).value,
            let plan = try? InstallPlan(spec.dependencies)
        else { return nil }
        return PythonEnvironment(
            hash: spec.hash, pipRequirements: spec.isUserManaged ? [] : plan.pipRequirements,
            pythonVersion: plan.pythonRequirement?.pinnedMinor)
    }
}
