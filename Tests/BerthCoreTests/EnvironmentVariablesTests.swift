import BerthCore
import Foundation
import Testing

/// `environment.environmentVariables` of an inline environment (Azure's
/// `Environment.environment_variables`) reaches the scoring process; bad entries are refused.
struct EnvironmentVariablesTests {
    @Test("Strings, numbers and booleans are read as the text the script sees in os.environ")
    func readsValues() throws {
        let parsed = try ConfigTestSupport.inference(
            #"{"entryScript": "score.py", "environment": {"environmentVariables": {"SLEEP_MS": "4000", "THREADS": 4, "RATIO": 0.5, "DEBUG": true}}}"#
        )
        #expect(parsed.value.environmentVariables == ["SLEEP_MS": "4000", "THREADS": "4", "RATIO": "0.5", "DEBUG": "true"])
        #expect(try ConfigTestSupport.inference(#"{"entryScript": "score.py"}"#).value.environmentVariables.isEmpty)
    }

    @Test("A bad name, a name Berth sets, a nested value or a non-object is refused, naming the field")
    func refusesBadEntries() {
        let cases: [(String, String)] = [
            (#"{"1X": "a"}"#, "has the name '1X'"),
            (#"{"A-B": "a"}"#, "has the name 'A-B'"),
            (#"{"AZUREML_MODEL_DIR": "/tmp"}"#, "environment.environmentVariables.AZUREML_MODEL_DIR is set by Berth"),
            (#"{"X": {"y": 1}}"#, "environment.environmentVariables.X must be a string"),
            (#"["X=1"]"#, "environment.environmentVariables must be an object"),
        ]
        for (variables, expected) in cases {
            let message = ConfigTestSupport.errorMessage {
                _ = try ConfigTestSupport.inference(
                    #"{"entryScript": "score.py", "environment": {"environmentVariables": "# + variables + "}}")
            }
            #expect(message?.contains(expected) == true, "\(variables): \(message ?? "no error")")
            #expect(message?.contains("inferenceconfig.json") == true)
        }
    }
}
