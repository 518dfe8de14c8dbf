import BerthCore
import BerthTesting
import Foundation
import Testing

@testable import BerthControlPlane

@Suite("conda environment.yml reader")
struct CondaEnvironmentFileTests {
    @Test("Reads the corpus's environment.yml")
    func corpusFile() throws {
        let url = TestPaths.corpus("sklearn-diabetes").appendingPathComponent("environment.yml")
        let parsed = try CondaEnvironmentFile.parse(String(contentsOf: url, encoding: .utf8), fileName: "environment.yml")
        #expect(parsed.value.name == "sklearn-diabetes")
        #expect(parsed.value.dependencies.condaPackages == ["python=3.11"])
        #expect(parsed.value.dependencies.pipPackages == ["scikit-learn", "joblib", "numpy"])
        #expect(parsed.warnings.isEmpty)
    }

    @Test("Flow lists, quotes, comments, same-indent items and unknown keys")
    func syntaxVariants() throws {
        let text = """
            # my env
            ---
            name: "demo"   # trailing comment
            channels: [conda-forge, 'defaults']
            dependencies:
            - python=3.11
            - pip
            - "numpy>=1.20"
            - pip: ["six", 'requests==2.31.0']
            - pip:
                - "inference-schema[numpy-support]"   # extras
            prefix: /opt/conda/envs/demo
            build_flags: fast
            """
        let parsed = try CondaEnvironmentFile.parse(text, fileName: "env.yml")
        #expect(parsed.value.name == "demo")
        #expect(parsed.value.dependencies.channels == ["conda-forge", "defaults"])
        #expect(parsed.value.dependencies.condaPackages == ["python=3.11", "pip", "numpy>=1.20"])
        #expect(parsed.value.dependencies.pipPackages == ["six", "requests==2.31.0", "inference-schema[numpy-support]"])
        #expect(parsed.warnings == ["env.yml:13: 'build_flags' is not used by Berth and was skipped."])
    }

    @Test("Anything it cannot read is an error naming the file and line")
    func errors() throws {
        let cases: [(String, String)] = [
            ("dependencies:\n  - numpy\n  - conda: [x]\n", "env.yml:3:"),
            ("dependencies:\n  - numpy\n    - scipy\n", "env.yml:3:"),
            ("name: x\n\tdependencies:\n", "env.yml:2:"),
            ("dependencies:\n  - &anchor numpy\n", "env.yml:2:"),
            ("just some text\n", "env.yml:1:"),
        ]
        for (text, location) in cases {
            let error = try #require(throws: BerthError.self) { try CondaEnvironmentFile.parse(text, fileName: "env.yml") }
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.hasPrefix(location), "\(error.message)")
        }
    }
}
