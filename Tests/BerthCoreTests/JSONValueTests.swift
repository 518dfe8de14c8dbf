import BerthCore
import Foundation
import Testing

struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let text = #"{"a": [1, 2.5, -3e2, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "e": ""}"#
        let value = try JSONValue(parsing: Data(text.utf8))
        #expect(value == ["a": [1, 2.5, -300, true, false, nil], "b": ["c": "d\né😀"], "e": ""])
    }

    @Test(arguments: [
        ("{\"a\": 1,", 1, 9),
        ("{\"a\": x}", 1, 7),
        ("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3),
        ("", 1, 1),
        ("{} x", 1, 4),
        ("[01]", 1, 3),
        ("\"tab\there\"", 1, 5),
    ])
    func reportsWhereTheDocumentBreaks(text: String, line: Int, column: Int) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: Data(text.utf8)) }
        do {
            _ = try JSONValue(parsing: Data(text.utf8))
        } catch {
            #expect(error.line == line)
            #expect(error.column == column)
        }
    }

    @Test func canonicalFormSortsKeysAndDropsWhitespace() throws {
        let first = try JSONValue(parsing: Data(#"{ "b": [1.0, 0.1, "x\"y"], "a": {"z": null, "y": true} }"#.utf8))
        let second = try JSONValue(parsing: Data(#"{"a":{"y":true,"z":null},"b":[1,0.1,"x\"y"]}"#.utf8))
        #expect(first.canonicalJSON == #"{"a":{"y":true,"z":null},"b":[1,0.1,"x\"y"]}"#)
        #expect(first.canonicalData == second.canonicalData)
    }

    @Test func canonicalFormEscapesControlCharacters() {
        let value: JSONValue = ["k": "a\u{01}b\tc"]
        #expect(value.canonicalJSON == #"{"k":"a\u0001b\tc"}"#)
    }

    @Test func codableRoundTrip() throws {
        let value: JSONValue = ["list": [1, "two", nil, false, ["x": 1.5]], "empty": [:]]
        let decoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(decoded == value)
    }

    @Test func messageDescriptionNamesTheType() {
        #expect(JSONValue.string("abc").messageDescription == "\"abc\" (a string)")
        #expect(JSONValue.number(3).messageDescription == "3 (a number)")
        #expect(JSONValue.array([1]).messageDescription == "[1] (an array)")
        #expect(JSONValue.null.messageDescription == "null")
    }
}
