import BerthCore
import Foundation
import Testing

/// Every `inferenceconfig.json` of the corpus (`Tests/Fixtures/corpus/*/`) parses without warnings.
/// `DeploymentConfigFileTests.corpusFilesParse` does the same for `deploymentconfig.json`.
struct InferenceConfigCorpusTests {
    @Test func everyCorpusCaseHasAnInferenceConfig() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: ConfigTestSupport.corpus.path)
            .filter { !$0.hasPrefix(".") }
        let files = ConfigTestSupport.corpusFiles(named: "inferenceconfig.json")
        #expect(cases.count >= 7)
        #expect(files.count == cases.count)
    }

    @Test func corpusFilesParse() throws {
        for url in ConfigTestSupport.corpusFiles(named: "inferenceconfig.json") {
            let parsed = try InferenceConfig.parse(Data(contentsOf: url))
            #expect(parsed.warnings.isEmpty, "\(url.path)")
            #expect(parsed.value.entryScript == "score.py", "\(url.path)")
            #expect(parsed.value.runtime == "python", "\(url.path)")
            if let condaFile = parsed.value.condaFile {
                let conda = url.deletingLastPathComponent().appendingPathComponent(condaFile)
                #expect(FileManager.default.fileExists(atPath: conda.path), "\(conda.path)")
            }
            let script = url.deletingLastPathComponent().appendingPathComponent(parsed.value.entryScript)
            #expect(FileManager.default.fileExists(atPath: script.path), "\(script.path)")
        }
    }
}
