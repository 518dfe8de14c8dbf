import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

@Suite("Environment hashing")
struct EnvironmentSpecTests {
    private func spec(fromConda text: String, steps: String? = nil) throws -> EnvironmentSpec {
        let scratch = try Scratch()
        defer { scratch.cleanUp() }
        try scratch.write("environment.yml", text)
        if let steps { try scratch.write("steps.txt", steps) }
        let config = InferenceConfig(
            entryScript: "score.py", condaFile: "environment.yml", extraDockerfileSteps: steps == nil ? nil : "steps.txt")
        return try EnvironmentSpec.load(for: config, filesIn: scratch.root).value
    }

    @Test("Key order, whitespace, comments and the env name do not change the hash")
    func layoutDoesNotCount() throws {
        let a = try spec(
            fromConda: "name: a\nchannels: [defaults]\ndependencies:\n  - python=3.11\n  - pip:\n    - six\n    - numpy\n",
            steps: "RUN echo hi\n")
        let b = try spec(
            fromConda: "# comment\ndependencies:\n- python=3.11   \n- pip: [six, numpy]\nchannels:\n    - defaults\nname: b\n",
            steps: "\nRUN echo hi   \r\n\n")
        #expect(a.hash == b.hash)
        #expect(a.hash.count == 64)
    }

    @Test("A dependency change, a pip order change or a new step changes the hash")
    func contentCounts() throws {
        let base = try spec(fromConda: "dependencies:\n  - pip:\n    - six\n    - numpy\n")
        let other = try spec(fromConda: "dependencies:\n  - pip:\n    - six==1.16.0\n    - numpy\n")
        let reordered = try spec(fromConda: "dependencies:\n  - pip:\n    - numpy\n    - six\n")
        let withSteps = try spec(fromConda: "dependencies:\n  - pip:\n    - six\n    - numpy\n", steps: "RUN true")
        #expect(Set([base.hash, other.hash, reordered.hash, withSteps.hash]).count == 4)
    }

    @Test("An inline environment reads python.condaDependencies and docker settings")
    func inlineEnvironment() throws {
        let json = #"{"entryScript":"score.py","environment":{"docker":{"baseImage":"img:1"},"python":{"condaDependencies":{"dependencies":["python=3.11",{"pip":["six"]}]}}}}"#
        let config = try InferenceConfig.parse(Data(json.utf8)).value
        let spec = try EnvironmentSpec.load(for: config, filesIn: URL(fileURLWithPath: "/nonexistent")).value
        #expect(spec.baseImage == "img:1")
        #expect(spec.dependencies.pipPackages == ["six"])
        #expect(spec.dependencies.condaPackages == ["python=3.11"])
    }

    @Test("A missing conda file is an error naming the field and the path")
    func missingCondaFile() throws {
        let config = InferenceConfig(entryScript: "score.py", condaFile: "nope.yml")
        let error = try #require(throws: BerthError.self) {
            try EnvironmentSpec.load(for: config, filesIn: URL(fileURLWithPath: "/tmp"))
        }
        #expect(error.message.contains("condaFile 'nope.yml'"))
    }

    @Test("conda packages map to pip; python is a version check; shims are skipped")
    func installPlan() throws {
        let plan = try InstallPlan(
            PythonDependencies(
                condaPackages: ["python=3.11", "pip", "conda-forge::numpy=1.26", "pytorch"],
                pipPackages: ["azureml-defaults", "six"]))
        #expect(plan.pipRequirements == ["numpy==1.26.*", "torch", "six"])
        #expect(plan.pythonRequirement?.isSatisfied(by: [3, 11, 7]) == true)
        #expect(plan.pythonRequirement?.isSatisfied(by: [3, 12, 1]) == false)
        #expect(plan.notes.count == 4)
        #expect(try InstallPlan(PythonDependencies(condaPackages: ["python=3.11", "pip"])).isEmpty)
        let range = try PythonVersionRequirement(parsing: ">=3.8,<3.12", source: "python>=3.8,<3.12")
        #expect(range.isSatisfied(by: [3, 11, 2]) && !range.isSatisfied(by: [3, 12, 0]) && !range.isSatisfied(by: [3, 7, 9]))
    }
}
