import BerthCore
import Foundation

extension EnvironmentSpec {
    /// Reads the environment an inference config asks for: its inline `environment`, or else its
    /// `baseImage`, `extraDockerfileSteps` file and `condaFile` (an `environment.yml`).
    ///
    /// Relative file names resolve against `directory` — pass the resolved source directory (the
    /// folder the config's paths are relative to). Warnings (e.g. keys of the conda file Berth does
    /// not use) are returned for the deploy log; unreadable files are errors naming the file.
    package static func load(
        for config: InferenceConfig, filesIn directory: URL, configFileName: String = "inferenceconfig.json"
    ) throws -> Parsed<EnvironmentSpec> {
        if let environment = config.environment {
            let docker = environment["docker"]
            let dependencies = config.inlineDependencies ?? PythonDependencies()
            return Parsed(
                value: EnvironmentSpec(
                    baseImage: docker?["baseImage"]?.stringValue,
                    dockerfileSteps: docker?["baseDockerfile"]?.stringValue,
                    dependencies: dependencies,
                    isUserManaged: config.usesUserManagedDependencies),
                warnings: warnings(for: config, dependencies: dependencies, configFileName: configFileName))
        }
        var spec = EnvironmentSpec(baseImage: config.baseImage)
        var warnings: [String] = []
        if let steps = config.extraDockerfileSteps, !steps.isEmpty {
            spec.dockerfileSteps = try readText(steps, field: "extraDockerfileSteps", directory, configFileName)
        }
        if let condaFile = config.condaFile, !condaFile.isEmpty {
            let text = try readText(condaFile, field: "condaFile", directory, configFileName)
            let parsed = try CondaEnvironmentFile.parse(text, fileName: condaFile)
            spec.dependencies = parsed.value.dependencies
            warnings = parsed.warnings
        }
        warnings += Self.warnings(for: config, dependencies: spec.dependencies, configFileName: configFileName)
        return Parsed(value: spec, warnings: warnings)
    }

    private static func readText(
        _ path: String, field: String, _ directory: URL, _ configFileName: String
    ) throws -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BerthError.invalidConfiguration(
                "\(configFileName): \(field) '\(path)' was not found (looked at '\(url.path)'); "
                    + "the path is relative to the source directory.")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw BerthError.invalidConfiguration(
                "\(configFileName): \(field) '\(url.path)' is not readable UTF-8 text.")
        }
        return text
    }
}
