import BerthCore
import Foundation
import Testing

@testable import BerthControlPlane

/// What an inference config asks of its environment that Berth does not do is said, naming the
/// field, instead of being dropped.
struct EnvironmentSpecWarningsTests {
    @Test("baseImage and extraDockerfileSteps warn, naming the field and what to do instead")
    func imageSettingsWarn() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.write("steps.dockerfile", "RUN apt-get install -y libgomp1\n")
        let config = InferenceConfig(
            entryScript: "score.py", extraDockerfileSteps: "steps.dockerfile", baseImage: "myregistry.io/scoring:1")
        let warnings = try EnvironmentSpec.load(for: config, filesIn: scratch.root).warnings
        #expect(warnings.count == 2, "\(warnings)")
        #expect(
            warnings[0].hasPrefix(
                "inferenceconfig.json: baseImage 'myregistry.io/scoring:1' is not used: Berth builds no image"))
        #expect(
            warnings[1].hasPrefix(
                "inferenceconfig.json: extraDockerfileSteps 'steps.dockerfile' are not run: Berth builds no image"))
        #expect(warnings.allSatisfy { $0.contains("pip list") || $0.contains("pip dependencies") })
    }

    @Test("An inline environment's docker.baseImage and baseDockerfile warn")
    func inlineDockerSettingsWarn() throws {
        let json = #"""
            {"entryScript": "score.py", "environment": {"docker": {"baseDockerfile": "FROM ubuntu\nRUN true"},
             "python": {"condaDependencies": {"channels": ["conda-forge"], "dependencies": ["python=3.11", "pip", {"pip": ["six"]}]}}}}
            """#
        let config = try InferenceConfig.parse(Data(json.utf8)).value
        let warnings = try EnvironmentSpec.load(for: config, filesIn: URL(fileURLWithPath: "/nonexistent")).warnings
        #expect(
            warnings == [
                "inferenceconfig.json: environment.docker.baseDockerfile is not built: Berth builds no image; install "
                    + "Python packages through the conda file's pip list, and system packages on the machine or in "
                    + "the runtime image.",
                "inferenceconfig.json: environment.python.condaDependencies: conda channels 'conda-forge' are not "
                    + "used: Berth installs packages with pip from PyPI (or the index pip is configured with), not "
                    + "with conda.",
            ])
    }

    @Test("conda channels and conda packages other than python and pip warn, naming each")
    func condaFileWarns() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.write(
            "environment.yml",
            """
            name: scoring
            channels:
              - conda-forge
              - pytorch
            dependencies:
              - python=3.11
              - pip
              - numpy=1.26
              - conda-forge::libgomp
              - pip:
                  - six
            """)
        let config = InferenceConfig(entryScript: "score.py", condaFile: "environment.yml")
        let warnings = try EnvironmentSpec.load(for: config, filesIn: scratch.root).warnings
        #expect(
            warnings == [
                "condaFile 'environment.yml': conda channels 'conda-forge', 'pytorch' are not used: Berth installs "
                    + "packages with pip from PyPI (or the index pip is configured with), not with conda.",
                "condaFile 'environment.yml': conda packages 'numpy=1.26', 'conda-forge::libgomp' are installed with "
                    + "pip under the same names, as Berth builds venvs, not conda environments; one that exists only "
                    + "on conda fails to install — move it to the pip list under its PyPI name, or install it on the "
                    + "machine.",
            ])
    }

    @Test("A plain pip environment warns about nothing")
    func pipOnlyIsQuiet() throws {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.write("environment.yml", "dependencies:\n  - python=3.11\n  - pip:\n      - six\n")
        let config = InferenceConfig(entryScript: "score.py", condaFile: "environment.yml")
        #expect(try EnvironmentSpec.load(for: config, filesIn: scratch.root).warnings.isEmpty)
    }
}
