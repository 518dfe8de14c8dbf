import BerthCore
import Foundation
import Testing

/// `-o tsv` as Azure CLI prints it: values only, keys sorted, nested parts summarized.
struct JSONValueTSVTests {
    static func tsv(_ json: String) throws -> String {
        try JSONValue(parsing: Data(json.utf8)).tsv
    }

    @Test("A list is one line per resource, its values in key order, tab-separated")
    func listOfObjects() throws {
        let text = try Self.tsv(#"[{"name": "a", "state": "Healthy"}, {"state": "Failed", "name": "b"}]"#)
        #expect(text == "a\tHealthy\nb\tFailed\n")
    }

    @Test("One object is one line; nested lists show their length, nested objects an empty field")
    func nestedParts() throws {
        let text = try Self.tsv(#"{"name": "svc", "models": ["m:1", "m:2"], "autoScaler": {"minReplicas": 1}}"#)
        #expect(text == "\t2\tsvc\n")
    }

    @Test("Scalars print as Python prints them")
    func scalars() throws {
        #expect(try Self.tsv(#"{"a": true, "b": false, "c": null, "d": 3, "e": 0.5}"#) == "True\tFalse\tNone\t3\t0.5\n")
        #expect(try Self.tsv(#""just text""#) == "just text\n")
        #expect(try Self.tsv("[]") == "")
    }
}
