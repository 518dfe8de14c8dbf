import BerthCore

extension EnvironmentSpec {
    /// What an inference config asks of its environment that Berth does not do, one warning per
    /// setting, for the deploy's output and operation log.
    ///
    /// Berth builds no container image: replicas run `berth replica` (a process on a local
    /// cluster, the runtime image on Kubernetes) in a venv that pip fills from the conda and pip
    /// lists. So base images and Dockerfile steps are not used, conda channels are not searched,
    /// and conda packages are tried with pip under the same name. Each warning names the field and
    /// says where the thing it asked for has to go instead.
    static func warnings(for config: InferenceConfig, dependencies: PythonDependencies, configFileName: String)
        -> [String]
    {
        let file = configFileName
        var warnings: [String] = []
        let docker = config.environment?["docker"]
        let images = [
            ("baseImage", config.baseImage), ("environment.docker.baseImage", docker?["baseImage"]?.stringValue),
        ]
        for case (let field, let image?) in images where !image.isEmpty {
            warnings.append(
                "\(file): \(field) '\(image)' is not used: Berth builds no image; replicas run in a venv built from "
                    + "the conda and pip dependencies, so list what the image provided there (Python packages) or "
                    + "install it on the machine or in the runtime image (system packages).")
        }
        let instead =
            "Berth builds no image; install Python packages through the conda file's pip list, and system packages "
            + "on the machine or in the runtime image."
        if let steps = config.extraDockerfileSteps, !steps.isEmpty {
            warnings.append("\(file): extraDockerfileSteps '\(steps)' are not run: " + instead)
        }
        if let dockerfile = docker?["baseDockerfile"]?.stringValue, !dockerfile.isEmpty {
            warnings.append("\(file): environment.docker.baseDockerfile is not built: " + instead)
        }
        guard !config.usesUserManagedDependencies else { return warnings }
        let source = config.environment != nil ? "\(file): environment.python.condaDependencies" : condaSource(config)
        if !dependencies.channels.isEmpty {
            warnings.append(
                "\(source): conda channels \(quoted(dependencies.channels)) are not used: Berth installs packages "
                    + "with pip from PyPI (or the index pip is configured with), not with conda.")
        }
        let condaOnly = dependencies.condaPackages.filter { package in
            let name = package.prefix(while: { $0.isLetter || $0.isNumber || "-_.:".contains($0) }).lowercased()
            return !["python", "pip"].contains(name.split(separator: ":").last.map(String.init) ?? name)
        }
        if !condaOnly.isEmpty {
            warnings.append(
                "\(source): conda packages \(quoted(condaOnly)) are installed with pip under the same names, as "
                    + "Berth builds venvs, not conda environments; one that exists only on conda fails to install — "
                    + "move it to the pip list under its PyPI name, or install it on the machine.")
        }
        return warnings
    }

    private static func condaSource(_ config: InferenceConfig) -> String {
        config.condaFile.map { "condaFile '\($0)'" } ?? "the conda dependencies"
    }

    private static func quoted(_ items: [String]) -> String {
        items.map { "'\($0)'" }.joined(separator: ", ")
    }
}
